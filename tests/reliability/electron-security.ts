// Electron security: Doyensec's electronegativity over the sources, with zero high or medium findings that are
// not explained in the reviewed allowlist (security/electronegativity-allowlist.json); the shipped fuses and
// webPreferences are checked against the policy by the unit tests (tests/unit/packaging.test.ts, window.test.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import allowlist from '../../security/electronegativity-allowlist.json';
import { runStandalone, type CheckResult } from './report';

interface Finding {
  check: string;
  severity: string;
  file: string;
  location: string;
  sample: string;
}

function parseCsv(text: string): Finding[] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const cells = [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
      return { check: cells[0]!, severity: cells[1]!, file: cells[3]!, location: cells[4]!, sample: cells[5]! };
    });
}

function scan(): Finding[] {
  const csv = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'till-eneg-')), 'findings.csv');
  const excluded = Object.keys(allowlist.excludedChecks).map((c) => c.replace(/_/g, '').toLowerCase()).join(',');
  for (let attempt = 0; attempt < 2; attempt++) {
    // The scanner's translation download cannot work offline: the preload makes it fail at once (see the file).
    spawnSync(process.execPath, ['--require', path.resolve('tests/reliability/electronegativity-offline.cjs'), path.resolve('node_modules/@doyensec/electronegativity/dist/index.js'), '-i', 'src', '-r', '-o', csv, '-v', 'false', '-e', '45.3.4', '-x', excluded], { encoding: 'utf8', timeout: 240_000 });
    if (fs.existsSync(csv) && fs.readFileSync(csv, 'utf8').startsWith('issue,')) return parseCsv(fs.readFileSync(csv, 'utf8'));
  }
  throw new Error('electronegativity did not write its report');
}

export async function run(): Promise<CheckResult> {
  const findings = scan();
  const serious = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
  const unexplained = serious.filter((f) => !allowlist.findings.some((a) => a.check === f.check && a.file === f.file));
  const stale = allowlist.findings.filter((a) => !findings.some((f) => f.check === a.check && f.file === a.file));
  return {
    name: 'electron security scan',
    passed: serious.length - unexplained.length + (stale.length ? 0 : 1),
    total: serious.length + 1,
    figures: {
      findings: findings.length,
      'high or medium': serious.length,
      'explained in the allowlist': serious.length - unexplained.length,
      'low / informational': findings.length - serious.length,
    },
    failures: [
      ...unexplained.map((f) => `${f.severity} ${f.check} at ${f.file}:${f.location} (${f.sample.slice(0, 80)})`),
      ...stale.map((a) => `allowlist entry no longer needed: ${a.check} ${a.file}`),
    ],
  };
}

if (require.main === module) runStandalone(() => run());
