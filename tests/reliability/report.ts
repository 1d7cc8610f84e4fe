import fs from 'node:fs';

/** What each reliability check reports to `npm run verify`. */
export interface CheckResult {
  name: string;
  passed: number;
  total: number;
  /** Figures worth printing (kills survived, heap growth…). */
  figures: Record<string, string | number>;
  failures: string[];
}

export type Profile = 'quick' | 'full';

export const profileFromArgs = (argv = process.argv): Profile => (argv.includes('--full') ? 'full' : 'quick');

/** Lets each check run on its own: `npx tsx tests/reliability/<check>.ts [--full]`. */
export function runStandalone(run: (profile: Profile) => Promise<CheckResult>) {
  run(profileFromArgs()).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      // `npm run verify` runs each check in a process of its own and reads its result here.
      const file = process.env['TILL_VERIFY_RESULT_FILE'];
      if (file) fs.writeFileSync(file, JSON.stringify(result));
      process.exit(result.passed === result.total ? 0 : 1);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
