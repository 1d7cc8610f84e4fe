import type { FuseV1Config } from '@electron/fuses';

export declare const SHIPPED: Readonly<Record<string, boolean>>;
export declare const TEST_BUILD: Readonly<Record<string, boolean>>;
export declare function decidedFuses(testBuild?: boolean): Record<string, boolean>;
export declare function fuseConfig(options?: { testBuild?: boolean; resetAdHocDarwinSignature?: boolean }): FuseV1Config;
