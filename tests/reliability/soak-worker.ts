// The service process of the soak test: runs sales on many terminals at once and reports its memory (after a
// forced GC) and open handles at warm-up and at the end. Started with --expose-gc.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';
import { RUNNING_STATUSES } from '../../src/shared/payments';

async function main() {
  const [simUrl, totalText, terminalsJson] = process.argv.slice(2) as [string, string, string];
  const total = Number(totalText);
  const terminals: string[] = JSON.parse(terminalsJson);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-soak-'));
  const services = await createServices(nodeAdapters({ host: 'web-harness', dataDir: dir, secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_soak_key' }), env: { DOJO_API_BASE_URL: simUrl, TILL_EPOS_PORT: '0' } }));
  const engine = services.payments();
  const measure = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return { heapMb: process.memoryUsage().heapUsed / 1024 / 1024, handles: process.getActiveResourcesInfo().length };
  };
  let done = 0;
  let approved = 0;
  let warm: ReturnType<typeof measure> | undefined;
  // Warm-up ends once the engine's bounded caches are full (its last-pushed views keep 500 payments), so what
  // follows measures growth, not caches filling up.
  const warmUpAt = Math.min(total - 1, Math.max(Math.round(total * 0.2), 600));
  await Promise.all(
    terminals.map(async (terminalId, lane) => {
      for (let i = lane; i < total; i += terminals.length) {
        const { id } = engine.startSale({ amount: 100 + (i % 500), currency: 'GBP', terminalId });
        for (;;) {
          const view = await engine.nextChange(id, 5_000);
          if (!RUNNING_STATUSES.includes(view.status)) {
            if (view.status === 'approved') approved++;
            break;
          }
        }
        done++;
        if (done === warmUpAt) {
          await new Promise((r) => setTimeout(r, 200));
          warm = measure();
        }
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 500));
  const end = measure();
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ done, approved, warm, end })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak worker failed: ${String(error)}\n`);
  process.exit(1);
});
