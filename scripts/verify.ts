// `npm run verify [-- --quick] [-- --only=a,b] [-- --jobs=N]`: the reliability and security proof. Runs every check
// (each also runnable on its own: npx tsx tests/reliability/<check>.ts), prints one summary table, exits non-zero on
// any failure. Each check runs in its own process, all at once unless --jobs says fewer: they mostly wait (on
// accelerated simulators, restarts after a kill, a browser), and a process of its own keeps one check's CPU-bound
// stretch (fuzzing) from stalling another's simulator. Each check has its own simulator, data folder and ports.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CheckResult, Profile } from '../tests/reliability/report';

const root = path.resolve(__dirname, '..');
const profile: Profile = process.argv.includes('--quick') ? 'quick' : 'full';
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const CHECKS = ['fault-matrix', 'crash-kill', 'fuzz', 'leak-scan', 'electron-security', 'soak'].filter((id) => !only || only.includes(id));
const jobs = Math.max(1, Number(process.argv.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length) ?? CHECKS.length) || CHECKS.length);
const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-verify-'));

type Outcome = CheckResult & { seconds: number };

/** One check in a child process (its standalone entry), its result read from the file runStandalone writes. */
function runCheck(id: string): Promise<Outcome> {
  const started = performance.now();
  const resultFile = path.join(resultsDir, `${id}.json`);
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', path.join('tests/reliability', `${id}.ts`), ...(profile === 'full' ? ['--full'] : [])];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, TILL_VERIFY_RESULT_FILE: resultFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      try {
        resolve({ ...(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as CheckResult), seconds });
      } catch {
        const tail = output.trim().split('\n').slice(-20).join('\n');
        resolve({ name: id, passed: 0, total: 1, figures: {}, failures: [`crashed (exit ${code ?? signal}) before reporting:\n${tail}`], seconds });
      }
    });
  });
}

async function main() {
  process.stdout.write(`verify (${profile} profile): ${CHECKS.join(', ')} — ${Math.min(jobs, CHECKS.length)} at a time\n`);
  const started = performance.now();
  const results = new Map<string, Outcome>();
  const queue = [...CHECKS];
  const lane = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      const result = await runCheck(id);
      results.set(id, result);
      // Printed as each check ends (the order they finish in); the table below keeps the fixed order.
      process.stdout.write(`\n=== ${id} (${result.seconds.toFixed(0)} s)\n`);
      for (const [key, value] of Object.entries(result.figures)) process.stdout.write(`  ${key}: ${value}\n`);
      for (const failure of result.failures.slice(0, 20)) process.stdout.write(`  FAIL ${failure}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, CHECKS.length) }, lane));
  fs.rmSync(resultsDir, { recursive: true, force: true });
  const ordered = CHECKS.map((id) => results.get(id)!);
  const rows = ordered.map((r) => [r.passed === r.total ? 'ok' : 'FAIL', r.name, `${r.passed}/${r.total}`, `${r.seconds.toFixed(0)} s`]);
  const widths = [4, 24, 10, 8];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  process.stdout.write(`\n${line(['', 'check', 'passed', 'time'])}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`);
  const failed = ordered.filter((r) => r.passed !== r.total).length;
  process.stdout.write(`verify: ${ordered.length - failed} passed, ${failed} failed (${((performance.now() - started) / 1000).toFixed(0)} s in all)\n`);
  process.exit(failed ? 1 : 0);
}

void main();
