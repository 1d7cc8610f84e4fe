// `npm run dev:web`: the real service graph in Node + the real renderer in any browser (dev and tests only).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runName } from '../src/main/electron/paths';
import { buildHarnessBridge, buildIfStale } from './lib/build';
import { createHandlers } from '../src/main/handlers';
import { createDispatcher } from '../src/main/ipc/dispatcher';
import { nodeAdapters, stderrLogger } from '../src/main/node-adapters';
import { KeytarSecretStore } from '../src/main/secrets/keytar-store';
import { MemorySecretStore, SECRET_ACCOUNTS } from '../src/main/secrets/secret-store';
import { environmentOfKey } from '../src/main/settings/api-key';
import { loadBuildConfig } from '../src/main/settings/build-config';
import packageJson from '../package.json';
import { createServices } from '../src/main/services';
import { startWebHarness } from '../src/web-harness/server/harness';

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    token: { type: 'string' },
    'token-stdin': { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keychain: { type: 'boolean', default: false },
    'api-key-stdin': { type: 'boolean', default: false },
  },
});

/** The harness token: --token-stdin, TILL_HARNESS_TOKEN, or a fresh random one; --token (seen by `ps`) only with a warning. */
async function harnessToken(): Promise<string> {
  if (values['token-stdin']) {
    let text = '';
    for await (const chunk of process.stdin) {
      text += String(chunk);
      if (text.includes('\n')) break;
    }
    const token = text.split(/\r?\n/)[0]!.trim();
    if (!token) throw new Error('--token-stdin: standard input had no token');
    return token;
  }
  if (values.token) {
    process.stderr.write('Warning: --token shows the harness token to every program on this computer (the process list). Use TILL_HARNESS_TOKEN or --token-stdin.\n');
    return values.token;
  }
  return process.env['TILL_HARNESS_TOKEN'] ?? randomBytes(24).toString('base64url');
}

async function main() {
  const port = Number(values.port ?? process.env['TILL_HARNESS_PORT'] ?? 5180);
  const token = await harnessToken();
  const dataDir = path.resolve(values['data-dir'] ?? process.env['TILL_DATA_DIR'] ?? path.join(root, '.tmp/web-harness'));
  fs.mkdirSync(dataDir, { recursive: true });

  // Built unless out/ is current (scripts/lib/build.ts); --no-build serves whatever out/ holds, if it holds the app.
  if (!values['no-build'] || !fs.existsSync(path.join(root, 'out/renderer/index.html'))) buildIfStale();
  return run(port, token, dataDir);
}

async function run(port: number, token: string, dataDir: string) {
  const logger = stderrLogger();
  const bridgeScriptPath = await buildHarnessBridge();
  // The harness keeps the API key in memory unless --keychain asks for the OS keychain (as the app does).
  // From source, like `npm start`: its own keychain service, never the installed app's.
  const secrets = values.keychain ? new KeytarSecretStore(runName(loadBuildConfig(packageJson).appId, true)) : new MemorySecretStore();
  // Development only (never packaged): start on a live key given on stdin or in TILL_DEV_API_KEY, without typing
  // it into Settings. It goes where a key saved in Settings goes (memory, or the keychain with --keychain).
  const devKey = values['api-key-stdin'] ? (await readStdin()).trim() : process.env['TILL_DEV_API_KEY']?.trim();
  if (devKey) {
    environmentOfKey(devKey); // a clear error for a key of the wrong form, before anything starts
    await secrets.set(SECRET_ACCOUNTS.dojoApiKey, devKey);
  }
  const services = await createServices(nodeAdapters({ host: 'web-harness', dataDir, logger, secrets }));
  const harness = await startWebHarness({
    dispatch: createDispatcher(createHandlers(services), logger),
    events: services.events,
    rendererDir: path.join(root, 'out/renderer'),
    bridgeScriptPath,
    token,
    port,
  });
  process.stdout.write(`Till Companion web harness: ${harness.pageUrl}\n`);
  const stop = async () => {
    await harness.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main().catch((error: unknown) => {
  process.stderr.write(`web harness failed: ${String(error)}\n`);
  process.exit(1);
});
