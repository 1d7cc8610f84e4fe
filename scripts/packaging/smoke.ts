// Packaged smoke test, run by dist.ts after a build on a machine that can run the result (or by hand:
// `npx tsx scripts/packaging/smoke.ts <app.exe | App.app> --reseller <id> [--test-build]`): the binary's fuses
// must be the policy's, and the app must start and report the reseller's build config.
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fuses from './fuses.json';

/** Differences between a binary's fuses and the policy (empty when they match). */
export async function fuseMismatches(binary: string, testBuild = false): Promise<string[]> {
  const wire = await getCurrentFuseWire(binary);
  const expected: Record<string, boolean> = { ...fuses.shipped, ...(testBuild ? fuses.testBuild : {}) };
  return Object.entries(expected).flatMap(([name, enabled]) => {
    const state = wire[FuseV1Options[name as keyof typeof FuseV1Options]];
    const actual = state === FuseState.ENABLE ? true : state === FuseState.DISABLE ? false : undefined;
    return actual === enabled ? [] : [`${name}: expected ${enabled ? 'on' : 'off'}, found ${actual === undefined ? 'absent' : actual ? 'on' : 'off'}`];
  });
}

/** The executable inside a .app bundle, or the path itself. */
export const executableOf = (app: string) => (app.endsWith('.app') ? path.join(app, 'Contents', 'MacOS', path.basename(app, '.app')) : app);

export async function smoke(app: string, variantId: string, testBuild = false): Promise<string[]> {
  const problems = await fuseMismatches(app, testBuild);
  const run = spawnSync(executableOf(app), ['--smoke-test'], { encoding: 'utf8', timeout: 60_000 });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('{"smoke"'));
  if (!line) problems.push(`the app did not report itself (exit ${run.status}): ${(run.stderr ?? '').slice(0, 300)}`);
  else {
    const report = JSON.parse(line) as { smoke: string; variantId: string; packaged: boolean; problems?: string[] };
    // The app's own checks (keytar, services, app://bundle, CSP, window.till): see src/main/electron/smoke.ts.
    if (report.smoke !== 'ok' || run.status !== 0) problems.push(`the app's smoke checks failed (exit ${run.status}): ${(report.problems ?? []).join('; ')}`);
    if (report.variantId !== variantId) problems.push(`built for ${report.variantId}, expected ${variantId}`);
    if (!report.packaged) problems.push('the app does not know it is packaged');
  }
  return problems;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { reseller: { type: 'string', default: 'default' }, 'test-build': { type: 'boolean', default: false } } });
  void smoke(positionals[0]!, values.reseller!, values['test-build']).then((problems) => {
    process.stdout.write(problems.length ? `smoke test FAILED:\n${problems.map((p) => `  ${p}`).join('\n')}\n` : 'smoke test passed: fuses as decided, app starts with its build config\n');
    process.exit(problems.length ? 1 : 0);
  });
}
