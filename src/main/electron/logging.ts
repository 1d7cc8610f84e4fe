import log from 'electron-log/main';
import { createLogger, type Logger } from '../logging/logger';

/**
 * App logs in the user-data folder (logs/main.log), rotated at 5 MB (the previous file is kept as main.old.log).
 * Every line goes through the redactor first; `secrets` adds the ones only known at run time (the EPOS token).
 */
export function electronLogger(secrets: () => readonly string[]): { logger: Logger; files: () => string[] } {
  log.transports.file.maxSize = 5 * 1024 * 1024;
  log.transports.file.writeOptions = { flag: 'a', mode: 0o600, encoding: 'utf8' }; // user-only, like the journal
  log.transports.file.format = '{text}';
  log.transports.console.format = '{text}';
  const logger = createLogger((line) => log.info(line), secrets);
  return {
    logger,
    files: () => {
      const file = log.transports.file.getFile().path;
      return [file, file.replace(/\.log$/, '.old.log')];
    },
  };
}
