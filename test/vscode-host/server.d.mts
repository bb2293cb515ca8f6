// Types of server.mjs for the TypeScript e2e suites (test/e2e).
export declare const CHROMIUM: string;
export declare const CHROMIUM_FLAGS: string[];
export declare function sleep(ms: number): Promise<void>;
export declare function loadPlaywright(): typeof import('playwright-core');
export declare function webviewFrame(page: import('playwright-core').Page, title: string, timeoutMs?: number): Promise<import('playwright-core').Frame>;
export declare class VscodeServer {
  constructor(tempDir: string, resultsFile: string | undefined, cwd: string);
  readonly tempDir: string;
  readonly logFile: string;
  port: number;
  exitCode: number | string | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  remoteUri(fsPath: string): string;
  logTail(lines: number): string;
}
