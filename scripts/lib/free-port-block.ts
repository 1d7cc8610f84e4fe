import { execFileSync } from 'node:child_process';

/**
 * A block of `count` consecutive loopback ports that are free now (the e2e harness, its simulator and its EPOS
 * API take base, base + 1, base + 2). Synchronous because Playwright's config is: a short child process binds
 * them to check. Several test runs on one machine (worktrees, CI jobs) then never meet on a fixed port. (Written
 * as a string: console.log would colour a number where FORCE_COLOR is set, as in Playwright's workers.)
 */
export function freePortBlock(count: number): number {
  const probe = `
    const net = require('node:net');
    const tryBlock = (left) => {
      if (left === 0) { console.error('no free block of ports'); process.exit(1); }
      const base = 20000 + Math.floor(Math.random() * 30000);
      const servers = [];
      const next = (i) => {
        if (i === ${count}) { servers.forEach((s) => s.close()); process.stdout.write(String(base)); return; }
        const server = net.createServer();
        server.once('error', () => { servers.forEach((s) => s.close()); tryBlock(left - 1); });
        server.listen(base + i, '127.0.0.1', () => { servers.push(server); next(i + 1); });
      };
      next(0);
    };
    tryBlock(50);`;
  return Number(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim());
}
