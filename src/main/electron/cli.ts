import { app } from 'electron';
import { runCliFromKeychain } from '../integration/cli';
import type { Fatal } from './lifecycle';

/**
 * `till-companion pay …` from an EPOS: no window, no single-instance lock; it talks to the running companion
 * over its loopback API and exits with the outcome's code.
 */
export function runCliMode(args: string[], keychainService: string, fatal: Fatal): void {
  app.dock?.hide();
  runCliFromKeychain(args, keychainService).then(
    (code) => app.exit(code),
    (error: unknown) => fatal(error, 'running'),
  );
}
