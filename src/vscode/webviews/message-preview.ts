/** A message from a webview as the log shows it: JSON, cut at 200 characters (it may be anything, even cyclic). */
export function previewMessage(message: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(message) ?? String(message);
  } catch {
    text = String(message);
  }
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
