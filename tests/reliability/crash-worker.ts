// The companion's services in a child process (as in the web harness) for the crash-kill test: killed with
// SIGKILL at random moments and started again on the same data folder.
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';

async function main() {
  const [dataDir, simUrl, port, token, terminalId] = process.argv.slice(2) as [string, string, string, string, string];
  const services = await createServices(
    nodeAdapters({
      host: 'web-harness',
      dataDir,
      secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_crash_kill_key' }),
      env: { DOJO_API_BASE_URL: simUrl, TILL_EPOS_PORT: port, TILL_EPOS_TOKEN: token },
    }),
  );
  await services.updateSettings({ terminalId });
  process.stdout.write(`ready ${services.epos.info().url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${String(error)}\n`);
  process.exit(1);
});
