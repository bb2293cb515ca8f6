export declare function installServer(options?: { force?: boolean }): void;
