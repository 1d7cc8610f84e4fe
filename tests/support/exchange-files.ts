import fs from 'node:fs';
import path from 'node:path';

/**
 * An EPOS that talks to the companion through the folder exchange, as the integration guide tells it to:
 * write under a temporary name, rename to requests/<id>.req, wait for files in responses/.
 */
export class FileEpos {
  constructor(readonly folder: string) {}

  path(sub: 'requests' | 'responses' | 'archive' | 'rejected', name: string) {
    return path.join(this.folder, sub, name);
  }

  /** Writes a request the right way (temporary name, then rename); returns when it is in place. */
  send(id: string, content: string | Record<string, unknown>, options: { name?: string } = {}): void {
    const text = typeof content === 'string' ? content : `${JSON.stringify(content)}\n`;
    const temp = this.path('requests', `${id}.tmp`);
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, this.path('requests', options.name ?? `${id}.req`));
  }

  sale(id: string, fields: Record<string, string | number> = {}): void {
    this.send(id, kv({ type: 'sale', amount: 1250, currency: 'GBP', reference: `Order ${id}`, environment: 'sandbox', ...fields }));
  }

  commit(id: string, content = ''): void {
    const temp = this.path('requests', `${id}.commit.tmp`);
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, this.path('requests', `${id}.commit`));
  }

  has(sub: 'requests' | 'responses' | 'archive' | 'rejected', name: string): boolean {
    return fs.existsSync(this.path(sub, name));
  }

  /** Reads an answer file (key=value or JSON); repeated keys become arrays. */
  read(sub: 'requests' | 'responses' | 'archive' | 'rejected', name: string): Record<string, any> {
    const text = fs.readFileSync(this.path(sub, name), 'utf8');
    if (text.trimStart().startsWith('{')) return JSON.parse(text);
    const out: Record<string, any> = {};
    for (const line of text.split(/\r?\n/)) {
      const eq = line.indexOf('=');
      if (eq <= 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      out[key] = key in out ? [...[out[key]].flat(), value] : value;
    }
    return out;
  }

  /** Waits for an answer file to appear (generous bound: a state, not a clock). */
  async waitFor(sub: 'responses' | 'archive' | 'rejected', name: string, options: { timeoutMs?: number; until?: (answer: Record<string, any>) => boolean; onTick?: () => void | Promise<void> } = {}): Promise<Record<string, any>> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      if (this.has(sub, name)) {
        const answer = this.read(sub, name);
        if (!options.until || options.until(answer)) return answer;
      }
      if (Date.now() > deadline) throw new Error(`${sub}/${name} did not appear${this.has(sub, name) ? ` as expected: ${JSON.stringify(this.read(sub, name))}` : ''}`);
      await options.onTick?.();
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  list(sub: 'requests' | 'responses' | 'archive' | 'rejected'): string[] {
    return fs.readdirSync(path.join(this.folder, sub)).sort();
  }
}

export const kv = (fields: Record<string, string | number>) => `${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join('\r\n')}\r\n`;

export async function waitUntil<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
