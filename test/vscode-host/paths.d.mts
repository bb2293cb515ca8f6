export declare const CODE_SERVER_VERSION: string;
export declare const projectRoot: string;
export declare const CACHE_DIR: string;
export declare const codeServerDir: string;
export declare const vscodeDir: string;
