/** Minimal structured logger; every line passes through `redact` so keys and tokens never reach a log. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const SECRET_PATTERNS: RegExp[] = [
  /sk_(?:sandbox|prod)_[A-Za-z0-9_-]+/g, // Dojo secret keys
  /(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[^\s"',}]+/gi, // auth headers in any casing
];

/** Runs of digits that may be split by single spaces or dashes ("4111 1111 1111 1111", "3782-822463-10005"). */
const DIGIT_RUN = /(?<![A-Za-z0-9])\d(?:[ -]?\d)*(?![A-Za-z0-9])/g;

/**
 * A full card number: 13–19 digits that pass the Luhn check, from a scheme Dojo takes (first digit 2–6: Visa,
 * Mastercard, Amex, Diners, Discover, JCB, UnionPay, Maestro; only Visa issued 13-digit numbers). Epoch
 * timestamps never qualify: in ms (13 digits) they start with 1–3 until 2096, in µs or ns (16 or 19 digits)
 * with 1 until 2033 — and a 16- or 19-digit run starting with 2 must also pass Luhn (1 in 10) to be hidden.
 */
export function isCardNumber(digits: string): boolean {
  if (!/^[2-6]\d{12,18}$/.test(digits) || (digits.length === 13 && digits[0] !== '4')) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Hides every card number in a run of digit groups; other numbers (amounts, timestamps, ids) stay as they are. */
function redactDigitRun(run: string): string {
  const parts = run.split(/([ -])/); // groups at even indexes, separators between them
  const groups = parts.filter((_, i) => i % 2 === 0);
  const hidden = new Set<number>();
  for (let start = 0; start < groups.length; start++) {
    // A card written in groups has short ones (4-4-4-4, 4-6-5); a long group on its own is judged alone.
    for (let end = groups.length - 1; end >= start; end--) {
      const window = groups.slice(start, end + 1);
      if (end > start && window.some((g) => g.length > 6)) continue;
      if (!isCardNumber(window.join(''))) continue;
      for (let g = start; g <= end; g++) hidden.add(g);
      start = end;
      break;
    }
  }
  if (hidden.size === 0) return run;
  let out = '';
  for (let g = 0; g < groups.length; g++) {
    if (hidden.has(g)) {
      if (!hidden.has(g - 1)) out += '[redacted-pan]';
    } else out += groups[g];
    if (g < groups.length - 1 && !(hidden.has(g) && hidden.has(g + 1))) out += parts[2 * g + 1];
  }
  return out;
}

/** Replaces Dojo keys, auth headers, full card numbers (however grouped) and any extra known secrets with a marker. */
export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of extraSecrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  out = out.replace(SECRET_PATTERNS[0]!, '[redacted-key]');
  out = out.replace(SECRET_PATTERNS[1]!, '$1$2 [redacted]');
  out = out.replace(DIGIT_RUN, redactDigitRun);
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
