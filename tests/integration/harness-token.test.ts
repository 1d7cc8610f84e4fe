import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Issue 16 item 5 for the web harness: its token comes from the environment or standard input; `--token` (which
// `ps` shows to every user) still works but warns.
const root = path.resolve(__dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Starts `scripts/dev-web.ts` with `args`, waits for the address it prints, stops it; what it printed. */
function harness(args: string[], stdin?: string): Promise<{ url: string; stderr: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-harness-token-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev-web.ts', '--port', '0', '--no-build', '--data-dir', dataDir, ...args], {
    cwd: root,
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'TILL_HARNESS_TOKEN')), TILL_EPOS_PORT: '0' },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  let out = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the harness exited (${code}) before printing its address: ${stderr.slice(-1000)}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const printed = /web harness: (\S+)/.exec(out);
      if (!printed) return;
      child.removeAllListeners('exit');
      child.once('exit', () => resolve({ url: printed[1]!, stderr }));
      child.kill('SIGTERM');
    });
  });
}

describe('web harness token (never needs to be in argv)', () => {
  it('--token-stdin: the first line of standard input is the token, and nothing is said about ps', async () => {
    const { url, stderr } = await harness(['--token-stdin'], 'stdin-token-0123456789abcdef\nignored\n');
    expect(new URL(url).searchParams.get('token')).toBe('stdin-token-0123456789abcdef');
    expect(stderr).not.toMatch(/--token shows/);
  }, 120_000);

  it('--token still works but warns that the process list shows it', async () => {
    const { url, stderr } = await harness(['--token', 'argv-token-0123456789abcdef']);
    expect(new URL(url).searchParams.get('token')).toBe('argv-token-0123456789abcdef');
    expect(stderr).toMatch(/--token shows the harness token to every program on this computer/);
  }, 120_000);
});
