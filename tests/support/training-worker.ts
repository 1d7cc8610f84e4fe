// The companion's services in training mode in a child process, for the training-record test: killed with
// SIGKILL mid-payment (no clean shutdown) and started again on the same data folder.
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';

async function main() {
  const [dataDir, token, tid] = process.argv.slice(2) as [string, string, string];
  const services = await createServices(
    nodeAdapters({ host: 'web-harness', dataDir, secrets: new MemorySecretStore(), env: { TILL_TRAINING_SIM_SPEED: '40', TILL_EPOS_PORT: '0', TILL_EPOS_TOKEN: token } }),
  );
  const terminal = (await services.payments().listTerminals()).find((t) => t.tid === tid)!;
  await services.updateSettings({ terminalId: terminal.id });
  process.stdout.write(`ready ${services.epos.info().url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${String(error)}\n`);
  process.exit(1);
});
