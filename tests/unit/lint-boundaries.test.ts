import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });
const violations = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
};

describe('process boundaries (ESLint no-restricted-imports)', () => {
  it('lets only the Electron shell and the preload import electron', async () => {
    expect(await violations('src/main/payments/x.ts', "import { app } from 'electron'; void app;")).toBe(1);
    expect(await violations('src/shared/x.ts', "import { app } from 'electron'; void app;")).toBe(1);
    expect(await violations('src/main/electron/x.ts', "import { app } from 'electron'; void app;")).toBe(0);
  });

  it('keeps raw ipcMain / ipcRenderer inside the wrappers', async () => {
    expect(await violations('src/main/electron/x.ts', "import { ipcMain } from 'electron'; void ipcMain;")).toBe(1);
    expect(await violations('src/preload/x.ts', "import { ipcRenderer } from 'electron'; void ipcRenderer;")).toBe(1);
  });

  it('keeps Node, Electron and main-process code out of the renderer', async () => {
    expect(await violations('src/renderer/x.ts', "import fs from 'node:fs'; void fs;")).toBe(1);
    expect(await violations('src/renderer/x.ts', "import fs from 'fs'; void fs;")).toBe(1);
    expect(await violations('src/renderer/x.ts', "import { x } from '../main/services'; void x;")).toBe(1);
    expect(await violations('src/renderer/x.ts', "import { z } from 'zod'; import { x } from '../shared/money'; void z; void x;")).toBe(0);
  });

  it('keeps the sandboxed preload to electron and the channel names: no zod, no other code (item: preload lint)', async () => {
    expect(await violations('src/preload/x.ts', "import { z } from 'zod'; void z;")).toBe(1);
    expect(await violations('src/preload/x.ts', "import { contract } from '../shared/contract'; void contract;")).toBe(1);
    expect(await violations('src/preload/x.ts', "import fs from 'node:fs'; void fs;")).toBe(1);
    expect(await violations('src/preload/x.ts', "import { METHOD_CHANNELS } from '../shared/channels'; import { contextBridge } from 'electron'; void METHOD_CHANNELS; void contextBridge;")).toBe(0);
    expect(await violations('src/preload/x.ts', "import { createTillApi } from '../shared/till-api'; void createTillApi;")).toBe(0);
    // till-api.ts is bundled into the preload: channel names only, types from the contract are erased.
    expect(await violations('src/shared/till-api.ts', "import { contract } from './contract'; void contract;")).toBe(1);
    expect(await violations('src/shared/till-api.ts', "import { z } from 'zod'; void z;")).toBe(1);
    expect(await violations('src/shared/till-api.ts', "import type { TillApi } from './contract'; import { METHOD_CHANNELS } from './channels'; export type X = TillApi; void METHOD_CHANNELS;")).toBe(0);
  });

  it('keeps src/shared free of Node built-ins', async () => {
    expect(await violations('src/shared/x.ts', "import path from 'node:path'; void path;")).toBe(1);
  });
});
