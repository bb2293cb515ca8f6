export declare const RESULTS_ENV: string;
export declare function runMochaInHost(testsDir: string, options?: { timeout?: number }): Promise<void>;
