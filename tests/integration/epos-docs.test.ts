import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices, type Services } from '../../src/main/services';

// The guide's "Verifying the companion" example, run as written: it must accept the companion and refuse a squatter.
const TOKEN = 'docs-example-token-5f4e3d2c1b0a';
const guide = fs.readFileSync('docs/epos-integration.md', 'utf8');
const example = /## Verifying the companion[\s\S]*?```python\n([\s\S]*?)```/.exec(guide)?.[1];
const python = spawnSync('python3', ['--version']).status === 0;
let services: Services;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-docs-'));
  fs.writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  services = await createServices(nodeAdapters({ host: 'test', dataDir: dir, secrets: new MemorySecretStore(), env: { TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: TOKEN, TILL_TRAINING_SIM_SPEED: '40' } }));
});
afterAll(async () => {
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the example (asynchronously: the companion answering it lives in this process). */
function run(port: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', example!], { env: { ...process.env, TILL_EPOS_PORT: String(port), TILL_EPOS_TOKEN_FILE: path.join(dir, 'token') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe.skipIf(!python)('the guide\'s verification example (needs python3)', () => {
  it('is in the guide', () => expect(example).toMatch(/Till-Challenge/));

  it('verifies the companion', async () => {
    const result = await run(services.epos.info().port);
    expect([result.status, result.stdout.trim()]).toEqual([0, 'Till Companion verified']);
  });

  it('refuses a program on the port that does not know the token', async () => {
    const squatter = http.createServer((_req, res) => res.writeHead(200, { 'till-proof': 'made-up' }).end('{"status":"ok"}'));
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    try {
      const result = await run((squatter.address() as AddressInfo).port);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/Not Till Companion: send it nothing/);
    } finally {
      squatter.close();
    }
  });
});
