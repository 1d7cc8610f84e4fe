import { describe, expect, it } from 'vitest';
import fs from 'node:fs';

/**
 * Tokens never go on a command line (every program on the till can read another's arguments): the examples
 * people copy, and the commands our own tests and tools run, read them from a file, stdin or the environment.
 */
const DOCS = ['docs/epos-integration.md', 'docs/resellers.md', 'README.md'];

function codeLines(markdown: string): string[] {
  const blocks = markdown.match(/```[a-z]*\n[\s\S]*?```/g) ?? [];
  return blocks.flatMap((block) => block.split('\n').slice(1, -1));
}

/** Why a line would put a token in some process's arguments, or null. */
function tokenInArgv(line: string): string | null {
  const code = line.replace(/\s+(#|rem |::).*$/, '');
  if (/--token(?![-\w])/.test(code)) return '--token';
  if (/\$TOKEN\b|\$\{TOKEN\}|%TOKEN%|\$env:TILL_EPOS_TOKEN/.test(code)) return 'a token variable expanded into a command';
  // printf is a shell built-in: writing the header file with it starts no process.
  if (/Bearer/.test(code) && !/(^|;\s*)printf\s/.test(code.trim())) return 'an Authorization header on a command line';
  return null;
}

describe('no token in argv', () => {
  it.each(DOCS)('%s: no example passes a token as an argument', (file) => {
    const offending = codeLines(fs.readFileSync(file, 'utf8'))
      .map((line) => [line, tokenInArgv(line)] as const)
      .filter(([, why]) => why !== null);
    expect(offending).toEqual([]);
  });

  it('the e2e web server and the harness helper give the harness its token by environment', () => {
    for (const file of ['playwright.config.ts', 'tests/support/till-process.ts']) expect(fs.readFileSync(file, 'utf8')).not.toMatch(/'--token'|--token \$\{/);
  });
});
