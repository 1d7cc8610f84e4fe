// `npm run bench -- <name>`: runs one benchmark (or all). Each prints figures and, as its last line, one JSON
// object with ratios against a baseline measured in the same run (never a pass/fail on wall time).
import path from 'node:path';

const BENCHES: Record<string, string> = {
  sim: './sim',
  engine: './engine',
  ui: './ui',
  exchange: './exchange',
  eod: './eod',
  record: './record',
};

async function main() {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const chosen = names.length ? names : Object.keys(BENCHES);
  for (const name of chosen) {
    const file = BENCHES[name];
    if (!file) {
      process.stderr.write(`Unknown benchmark "${name}". Known: ${Object.keys(BENCHES).join(', ')}\n`);
      process.exit(2);
    }
    process.stdout.write(`\n# bench ${name}\n`);
    const module = (await import(path.join(__dirname, file))) as { run(): Promise<Record<string, unknown>> };
    const result = await module.run();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
