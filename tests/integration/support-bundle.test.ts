import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';

/** Reads a zip's entries (stored or deflated) without a zip library: enough to check what is inside. */
function unzip(buffer: Buffer): Record<string, string> {
  const files: Record<string, string> = {};
  let offset = 0;
  while (buffer.readUInt32LE(offset) === 0x04034b50) {
    const method = buffer.readUInt16LE(offset + 8);
    let size = buffer.readUInt32LE(offset + 18);
    const nameLength = buffer.readUInt16LE(offset + 26);
    const extraLength = buffer.readUInt16LE(offset + 28);
    const name = buffer.toString('utf8', offset + 30, offset + 30 + nameLength);
    const start = offset + 30 + nameLength + extraLength;
    const flags = buffer.readUInt16LE(offset + 6);
    if (flags & 0x08) {
      // sizes follow the data (data descriptor): find the next header
      const next = buffer.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), start);
      size = next - start;
      files[name] = (method === 8 ? zlib.inflateRawSync(buffer.subarray(start, start + size)) : buffer.subarray(start, start + size)).toString('utf8');
      offset = next + 16;
    } else {
      files[name] = (method === 8 ? zlib.inflateRawSync(buffer.subarray(start, start + size)) : buffer.subarray(start, start + size)).toString('utf8');
      offset = start + size;
    }
  }
  return files;
}

describe('support bundle', () => {
  it('zips app info, settings, EPOS connection and logs — without the key, the EPOS token, the PIN or the journal', async () => {
    const KEY = 'sk_sandbox_BUNDLECANARY_99887766';
    const TOKEN = 'epos-BUNDLECANARY-token-1234567890';
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bundle-'));
    const log = path.join(dir, 'main.log');
    fs.writeFileSync(log, `{"message":"request","meta":{"auth":"Bearer ${TOKEN}","key":"${KEY}"}}\n{"message":"ok"}\n`);
    const services = await createServices({
      ...nodeAdapters({ host: 'test', dataDir: dir, secrets: new MemorySecretStore(), env: { TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN, TILL_TRAINING_SIM_SPEED: '40' } }),
      logFiles: () => [log],
    });
    await services.authority.setPin({ next: '246813', confirm: '246813' });
    const { filename, zip } = await services.supportBundle();
    await services.close();
    expect(filename).toMatch(/^till-support-.*\.zip$/);
    const files = unzip(zip);
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'app-info.json', 'audit.json', 'epos.json', 'logs/main.log', 'settings.json']);
    expect(JSON.parse(files['app-info.json']!)).toMatchObject({ trainingMode: true, updates: { state: 'disabled' } });
    expect(JSON.parse(files['settings.json']!)).toMatchObject({ supervisorPinSet: true });
    // The supervisor audit itself travels (issue 14 item 7), not just a file of that name: the PIN being set is in it.
    const audit = JSON.parse(files['audit.json']!) as { entries: { action: string; outcome: string }[]; intact: boolean };
    expect(audit.intact).toBe(true);
    expect(audit.entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'pin.set', outcome: 'ok' })]));
    expect(files['logs/main.log']).toContain('"message":"ok"');
    const everything = Object.values(files).join('\n');
    for (const secret of [KEY, TOKEN, 'BUNDLECANARY', '246813', 'scrypt']) expect(everything.includes(secret), secret).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
