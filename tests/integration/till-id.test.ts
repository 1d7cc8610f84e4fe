import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTillId, TILL_ID_FILE } from '../../src/main/settings/till-id';
import { engineHarness, isEnded, TEST_TILL_ID, type EngineHarness } from '../support/engine-harness';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-id-'));
  dirs.push(dir);
  return dir;
};
let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('till id', () => {
  it('is made once per installation, kept user-only, and stable across starts', () => {
    const dir = tempDir();
    const first = loadTillId(dir);
    expect(first).toMatch(/^till_[0-9a-f]{16}$/);
    expect(loadTillId(dir)).toBe(first);
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, TILL_ID_FILE)).mode & 0o777).toBe(0o600);
    expect(loadTillId(tempDir())).not.toBe(first);
  });

  it('a damaged file is kept aside and a new id made (never a crash at start-up)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, TILL_ID_FILE), '{"tillId": "nonsense"');
    const id = loadTillId(dir);
    expect(id).toMatch(/^till_[0-9a-f]{16}$/);
    expect(fs.readdirSync(dir).some((f) => f.startsWith(`${TILL_ID_FILE}.damaged-`))).toBe(true);
  });

  it('every intent carries our payment id and the till id in its metadata', async () => {
    h = await engineHarness();
    const sale = h.engine.startSale({ amount: 1000, currency: 'GBP', terminalId: h.terminal('VCMTILLSIP0') });
    await h.waitFor(sale.id, isEnded);
    const intent = h.sim.admin.snapshot().intents.find((i) => i.id === h!.engine.payment(sale.id).intentId);
    expect(TEST_TILL_ID).toMatch(/^till_/);
    expect(intent?.metadata).toStrictEqual({ tillPaymentId: sale.id, tillId: TEST_TILL_ID });
  });
});
