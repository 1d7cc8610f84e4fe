import { cliCommand } from '../integration/cli';

/**
 * What the app was started to do, from its command line. Plain functions (no electron) so the entry's
 * decisions are tested as they are.
 */
export type LaunchMode = { kind: 'smoke' } | { kind: 'cli'; args: string[] } | { kind: 'app' };

/**
 * The arguments meant for the app. Packaged: everything after the executable. From source (`electron .`,
 * `process.defaultApp`): everything after the app folder, found the way Electron's default_app finds it
 * (electron/electron default_app/main.ts: options and `-r <module>` pairs are skipped, the first other
 * argument is the app). Playwright and electron-vite put switches before the folder, so this matters.
 */
export function appArguments(argv: readonly string[], defaultApp: boolean): string[] {
  const rest = argv.slice(1);
  if (!defaultApp) return rest;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '-r' || arg === '--require') i++;
    else if (!arg.startsWith('-')) return rest.slice(i + 1);
  }
  return [];
}

export function launchMode(argv: readonly string[], defaultApp: boolean): LaunchMode {
  if (argv.includes('--smoke-test')) return { kind: 'smoke' };
  const args = appArguments(argv, defaultApp);
  if (cliCommand(args)) return { kind: 'cli', args };
  return { kind: 'app' };
}

/**
 * Switches that open the app to a debugger. A packaged till refuses to start with any of them: the Chromium
 * remote-debugging port is not covered by any fuse, and from it every `window.till` method is one call away.
 */
const DEBUG_SWITCHES = ['remote-debugging-port', 'remote-debugging-pipe', 'remote-debugging-address', 'inspect', 'inspect-brk', 'inspect-port', 'inspect-publish-uid', 'js-flags'];

/**
 * Every spelling Chromium takes for a switch (base/command_line.cc): prefixed "--" or "-", on Windows also "/",
 * and on Windows in any case. Names are compared in lower case everywhere: refusing a spelling Chromium would
 * ignore costs nothing.
 */
function switchName(arg: string, platform: string): string | undefined {
  const prefix = ['--', '-', ...(platform === 'win32' ? ['/'] : [])].find((p) => arg.startsWith(p));
  return prefix === undefined ? undefined : arg.slice(prefix.length).split('=')[0]!.toLowerCase();
}

export function debuggingSwitches(argv: readonly string[], platform: string = process.platform): string[] {
  return argv.slice(1).filter((arg) => DEBUG_SWITCHES.includes(switchName(arg, platform) ?? ''));
}
