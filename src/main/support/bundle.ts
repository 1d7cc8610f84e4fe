import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { redact } from '../logging/logger';

/**
 * A zip for the reseller's support desk: app info, settings (no PIN hash), the EPOS connection (no token), the
 * supervisor audit and the logs, every text passed through the redactor again with the secrets the app knows. Never the journal.
 */
export async function createSupportBundle(input: {
  appInfo: unknown;
  settings: unknown;
  epos: unknown;
  /** The supervisor audit of the current environment (no secrets are ever written to it; redacted again here). */
  audit: unknown;
  logFiles: readonly string[];
  secrets: readonly string[];
  now: number;
}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const clean = (text: string) => redact(text, input.secrets);
  const add = (name: string, text: string) => zip.addBuffer(Buffer.from(clean(text), 'utf8'), name, { mtime: new Date(input.now) });
  add(
    'README.txt',
    'Till Companion support bundle: app-info.json, settings.json and epos.json describe this till; audit.json is the audit of supervisor actions (with whether its hash chain is intact); logs/ holds the app logs.\r\nNo API key, EPOS token, supervisor PIN or payment journal is included.\r\n',
  );
  add('app-info.json', JSON.stringify(input.appInfo, null, 2));
  add('settings.json', JSON.stringify(input.settings, null, 2));
  add('epos.json', JSON.stringify(input.epos, null, 2));
  add('audit.json', JSON.stringify(input.audit, null, 2));
  for (const file of input.logFiles) {
    if (!fs.existsSync(file)) continue;
    add(`logs/${path.basename(file)}`, fs.readFileSync(file, 'utf8'));
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
