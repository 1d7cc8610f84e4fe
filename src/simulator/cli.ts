// `npm run sim -- --port 8787 --speed 10 [--record sim.json]`: a standalone Dojo simulator for training, demos and
// integrators. In memory unless `--record` names a file to keep Dojo's record in across restarts.
import { parseArgs } from 'node:util';
import { startSimulator } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    speed: { type: 'string', default: '1' },
    environment: { type: 'string', default: 'sandbox' },
    record: { type: 'string' },
  },
});

async function main() {
  const environment = values.environment === 'production' ? 'production' : 'sandbox';
  const sim = await startSimulator({
    port: Number(values.port),
    speed: Number(values.speed),
    environment,
    ...(values.record ? { recordFile: values.record, onRecordError: (error: unknown) => process.stderr.write(`the record could not be saved: ${String(error)}\n`) } : {}),
  });
  const load = sim.recordLoad;
  const lines = [
    `Dojo simulator listening on ${sim.url} (speed ×${values.speed}, ${environment})`,
    values.record
      ? load.kind === 'restored'
        ? `Record: ${values.record} (restored: ${load.intents} intents, ${load.running} sessions running)`
        : load.kind === 'setAside'
          ? `Record: ${values.record} could not be used (${load.why}: ${load.detail}); kept as ${load.keptAs ?? 'it was (not moved, not overwritten)'}; starting afresh`
          : `Record: ${values.record} (new)`
      : 'Record: in memory only (--record <file> keeps it across restarts)',
    `Use: Authorization: Basic sk_${environment === 'sandbox' ? 'sandbox' : 'prod'}_<anything>, version: 2026-02-27, software-house-id, reseller-id`,
    `Admin API: ${sim.url}/__sim/state, /__sim/terminals, /__sim/faults, /__sim/clock/advance, /__sim/reset`,
    'Terminals:',
    ...sim.admin.snapshot().terminals.map((t) => `  ${t.properties.tid.padEnd(12)} ${t.status.padEnd(9)} ${t.id}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed: ${String(error)}\n`);
  process.exit(1);
});
