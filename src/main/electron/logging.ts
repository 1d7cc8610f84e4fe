// electron-log's main entry ('electron-log/main') registers its own ipcMain channel (__ELECTRON_LOG__) on import,
// outside our sender checks. The Node entry registers none; the file path is given here instead.
import log from 'electron-log/node';
import { createLogger, type Logger } from '../logging/logger';

/**
 * App logs in the user-data folder (logs/main.log), rotated at 5 MB (the previous file is kept as main.old.log).
 * Every line goes through the redactor first; `secrets` adds the ones only known at run time (the EPOS token).
 */
export function electronLogger(file: string, productName: string, secrets: () => readonly string[]): { logger: Logger; files: () => string[] } {
  log.transports.file.setAppName(productName);
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = 5 * 1024 * 1024;
  log.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' }; // user-only, like the journal
  log.transports.file.format = '{text}';
  log.transports.console.format = '{text}';
  const logger = createLogger((line) => log.info(line), secrets);
  return {
    logger,
    files: () => [file, file.replace(/\.log$/, '.old.log')],
  };
}
