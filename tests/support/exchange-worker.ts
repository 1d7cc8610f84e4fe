// The companion's services in a child process with the folder exchange on, for the exchange crash tests: killed
// with SIGKILL and started again on the same data folder and exchange folder.
import { nodeAdapters } from '../../src/main/node-adapters';
import { MemorySecretStore } from '../../src/main/secrets/secret-store';
import { createServices } from '../../src/main/services';

async function main() {
  const [dataDir, simUrl, exchangeDir, terminalId, commitTimeoutMs] = process.argv.slice(2) as [string, string, string, string, string];
  const services = await createServices(
    nodeAdapters({
      host: 'web-harness',
      dataDir,
      // The EPOS token lives in the keychain and outlives a restart: the answers' proof lines are keyed with it.
      secrets: new MemorySecretStore({ 'dojo-api-key': 'sk_sandbox_exchange_crash_key', 'epos-api-token': 'exchange-crash-epos-token-1a2b3c4d' }),
      env: { DOJO_API_BASE_URL: simUrl, TILL_EPOS_PORT: '0', TILL_EXCHANGE_DIR: exchangeDir, TILL_EXCHANGE_COMMIT_TIMEOUT_MS: commitTimeoutMs, TILL_EXCHANGE_SCAN_MS: '250' },
    }),
  );
  await services.updateSettings({ terminalId });
  // Lets the test see what a person would see on the till (attention items) without another channel.
  services.events.on('exchange:update', (status) => process.stdout.write(`status ${JSON.stringify({ attention: status.attention.map((a) => a.requestId) })}\n`));
  process.stdout.write(`ready ${JSON.stringify(services.exchange.status())}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${String(error)}\n`);
  process.exit(1);
});
