import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The built webview files (esbuild's out/webview): the only folder a webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'out', 'webview');
}

/** Scripts on, and local resources limited to the built webview files. For webview views and panels alike. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

export interface WebviewPage {
  /** The script's file name in out/webview, e.g. 'search.js'. */
  script: string;
  /** The document title (screen readers announce it). */
  title: string;
  /** Stylesheets in out/webview, e.g. ['search.css']. The codicon stylesheet is always linked. */
  styles?: string[];
}

/**
 * The HTML shell of a webview: CSP `default-src 'none'`, the script by nonce, styles, fonts and images only from
 * out/webview. The codicon stylesheet is linked with the id `vscode-codicon-stylesheet`, where the
 * @vscode-elements/elements icon component looks for it. The page's content is up to the script.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const root = webviewRoot(extensionUri);
  const asset = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(root, ...parts)).toString();
  // Lit components style themselves with constructable stylesheets, which style-src does not restrict.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  const links = [
    `<link id="vscode-codicon-stylesheet" rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(asset('codicons', 'codicon.css'))}">`,
    ...(page.styles ?? []).map((style) => `<link rel="stylesheet" href="${escapeAttribute(asset(style))}">`),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links.join('\n')}
<title>${escapeText(page.title)}</title>
</head>
<body>
<script nonce="${nonce}" src="${escapeAttribute(asset(page.script))}"></script>
</body>
</html>`;
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
