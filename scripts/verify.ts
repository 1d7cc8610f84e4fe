// `npm run verify [-- --quick]`: the reliability and security proof. Runs every check (each also runnable on its
// own: npx tsx tests/reliability/<check>.ts), prints one summary table, exits non-zero on any failure.
import { run as crashKill } from '../tests/reliability/crash-kill';
import { run as electronSecurity } from '../tests/reliability/electron-security';
import { run as faultMatrix } from '../tests/reliability/fault-matrix';
import { run as fuzz } from '../tests/reliability/fuzz';
import { run as leakScan } from '../tests/reliability/leak-scan';
import type { CheckResult, Profile } from '../tests/reliability/report';
import { run as soak } from '../tests/reliability/soak';

const profile: Profile = process.argv.includes('--quick') ? 'quick' : 'full';
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const CHECKS: [string, () => Promise<CheckResult>][] = [
  ['fault-matrix', () => faultMatrix()],
  ['crash-kill', () => crashKill(profile)],
  ['fuzz', () => fuzz(profile)],
  ['leak-scan', () => leakScan()],
  ['electron-security', () => electronSecurity()],
  ['soak', () => soak(profile)],
];

async function main() {
  process.stdout.write(`verify (${profile} profile)\n`);
  const results: (CheckResult & { seconds: number })[] = [];
  for (const [id, check] of CHECKS) {
    if (only && !only.includes(id)) continue;
    const started = performance.now();
    process.stdout.write(`\n=== ${id}\n`);
    const result = await check().catch((error: unknown): CheckResult => ({ name: id, passed: 0, total: 1, figures: {}, failures: [`crashed: ${String(error)}`] }));
    const seconds = (performance.now() - started) / 1000;
    results.push({ ...result, seconds });
    for (const [key, value] of Object.entries(result.figures)) process.stdout.write(`  ${key}: ${value}\n`);
    for (const failure of result.failures.slice(0, 20)) process.stdout.write(`  FAIL ${failure}\n`);
  }
  const rows = results.map((r) => [r.passed === r.total ? 'ok' : 'FAIL', r.name, `${r.passed}/${r.total}`, `${r.seconds.toFixed(0)} s`]);
  const widths = [4, 24, 10, 8];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  process.stdout.write(`\n${line(['', 'check', 'passed', 'time'])}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`);
  const failed = results.filter((r) => r.passed !== r.total).length;
  process.stdout.write(`verify: ${results.length - failed} passed, ${failed} failed\n`);
  process.exit(failed ? 1 : 0);
}

void main();
