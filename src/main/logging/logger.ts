/** Minimal structured logger; every line passes through `redact` so keys and tokens never reach a log. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const SECRET_PATTERNS: RegExp[] = [
  /sk_(?:sandbox|prod)_[A-Za-z0-9_-]+/g, // Dojo secret keys
  /(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[^\s"',}]+/gi, // auth headers in any casing
  /\b\d{13,19}\b/g, // anything shaped like a full card number
];

/** Replaces Dojo keys, auth headers, full PANs and any extra known secrets with a marker. */
export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  out = out.replace(SECRET_PATTERNS[0]!, '[redacted-key]');
  out = out.replace(SECRET_PATTERNS[1]!, '$1$2 [redacted]');
  out = out.replace(SECRET_PATTERNS[2]!, '[redacted-pan]');
  return out;
}

export type LogSink = (line: string) => void;

export function createLogger(sink: LogSink, secrets: () => readonly string[] = () => []): Logger {
  const write = (level: string, message: string, meta?: Record<string, unknown>) => {
    const line = JSON.stringify({ t: new Date().toISOString(), level, message, ...(meta ? { meta } : {}) });
    sink(redact(line, secrets()));
  };
  return {
    info: (m, meta) => write('info', m, meta),
    warn: (m, meta) => write('warn', m, meta),
    error: (m, meta) => write('error', m, meta),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
