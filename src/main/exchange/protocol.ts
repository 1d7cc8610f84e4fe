import { z } from 'zod';
import { AmountMinorSchema, CurrencySchema } from '../../shared/money';
import { ReferenceSchema, type PaymentView, type ReceiptLine } from '../../shared/payments';
import { EnvironmentSchema } from '../../shared/app-info';
import { fieldErrors } from '../errors';

/**
 * The folder exchange's file contract (docs/epos-integration.md, "Folder exchange"): names, sizes, the request
 * and commit schemas, and how answers are written. Pure: no file system here.
 */

/** The EPOS's own request id: its idempotency key and the stem of every file about that request. */
export const REQUEST_ID = /^[A-Za-z0-9_-]{1,60}$/;
export const SUBFOLDERS = ['requests', 'responses', 'archive', 'rejected'] as const;
/** Requests are a few short lines; anything bigger is not a request. */
export const MAX_REQUEST_BYTES = 8 * 1024;
export const MAX_COMMIT_BYTES = 1024;

export type FileFormat = 'kv' | 'json';
export type RequestFileKind = 'req' | 'commit';

/** `ORDER-1.req` → { id: 'ORDER-1', kind: 'req' }; anything else in requests/ (temporary names) is not ours to read. */
export function requestFileName(name: string): { id: string; kind: RequestFileKind; valid: boolean } | null {
  const match = /^(.*)\.(req|commit)$/i.exec(name);
  if (!match) return null;
  const id = match[1]!;
  return { id, kind: match[2]!.toLowerCase() as RequestFileKind, valid: REQUEST_ID.test(id) };
}

const Amount = z
  .union([z.number(), z.string().regex(/^\d{1,9}$/, 'Amount is a whole number of minor units, digits only (1250 for £12.50).').transform(Number)])
  .pipe(AmountMinorSchema);
const TerminalId = z.string().min(1).max(100).regex(/^[\x21-\x7e]+$/, 'A terminal id as Dojo gives it (no spaces).');
const NamedEnvironment = EnvironmentSchema.optional();

export const ExchangeRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sale'), amount: Amount, currency: CurrencySchema, reference: ReferenceSchema, terminal: TerminalId.optional(), environment: NamedEnvironment }).strict(),
  z
    .object({
      type: z.literal('refund'),
      amount: Amount,
      /** The sale to refund: the companion's payment id (from the sale's result), or the sale's reference. */
      payment: z.string().min(1).max(100).optional(),
      reference: ReferenceSchema.optional(),
      terminal: TerminalId.optional(),
      environment: NamedEnvironment,
    })
    .strict()
    .refine((r) => !!r.payment !== !!r.reference, { message: 'Give either payment= (the sale\'s payment id) or reference= (the sale\'s reference), not both.', path: ['payment'] }),
  z.object({ type: z.literal('unlinked_refund'), amount: Amount, currency: CurrencySchema, reference: ReferenceSchema.optional(), terminal: TerminalId.optional(), environment: NamedEnvironment }).strict(),
], { error: (issue) => (issue.code === 'invalid_union' ? 'type must be sale, refund or unlinked_refund.' : undefined) });
export type ExchangeRequest = z.infer<typeof ExchangeRequestSchema>;

/** The commit may be empty; if it names the status the EPOS recorded, it must be the result's. */
export const CommitSchema = z.object({ status: z.string().max(40).optional(), note: z.string().max(200).optional() }).strict();

export class FileContentError extends Error {
  constructor(
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

/**
 * Decodes what an EPOS wrote: UTF-8 (with or without a byte-order mark) or UTF-16 LE with its mark (what Windows
 * PowerShell 5's Out-File writes by default).
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) throw new FileContentError('The file is not UTF-8 text.');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

export const formatOf = (text: string): FileFormat => (text.trimStart().startsWith('{') ? 'json' : 'kv');

/**
 * `key=value` lines (CRLF or LF; blank lines and lines starting with # ignored). The last line must end with a
 * newline: a file cut short (an EPOS that wrote in place instead of renaming) is refused, never half-read.
 */
export function parseKeyValue(text: string, options: { requireFinalNewline: boolean; repeats?: boolean }): Record<string, string | string[]> {
  if (options.requireFinalNewline && text.length > 0 && !text.endsWith('\n')) {
    throw new FileContentError('The last line does not end with a line break: the file may be incomplete. Write it under another name, then rename it.');
  }
  const out: Record<string, string | string[]> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new FileContentError(`Line ${index + 1} is not key=value.`);
    const key = line.slice(0, eq).trim().toLowerCase();
    if (!/^[a-z][a-z0-9_]{0,29}$/.test(key)) throw new FileContentError(`Line ${index + 1}: "${key.slice(0, 30)}" is not a key.`);
    const value = line.slice(eq + 1).trim();
    if (!(key in out)) out[key] = value;
    // Our own answers repeat keys for lists (receipt lines); a request never does.
    else if (options.repeats) out[key] = [...[out[key]!].flat(), value];
    else throw new FileContentError(`"${key}" is given twice.`);
  });
  return out;
}

function parseStructured(text: string, format: FileFormat, requireFinalNewline: boolean): unknown {
  if (format === 'kv') return parseKeyValue(text, { requireFinalNewline });
  try {
    return JSON.parse(text);
  } catch {
    throw new FileContentError('The file starts with { but is not valid JSON.');
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new FileContentError('The request is not valid.', fieldErrors(parsed.error.issues));
  return parsed.data;
}

export function parseRequest(bytes: Buffer): { format: FileFormat; request: ExchangeRequest } {
  const text = decodeText(bytes);
  const format = formatOf(text);
  if (!text.trim()) throw new FileContentError('The request file is empty.');
  return { format, request: validate(ExchangeRequestSchema, parseStructured(text, format, true)) };
}

export function parseCommit(bytes: Buffer): z.infer<typeof CommitSchema> {
  const text = decodeText(bytes);
  if (!text.trim()) return {};
  return validate(CommitSchema, parseStructured(text, formatOf(text), false));
}

// ---- what the companion writes ------------------------------------------------------------------------------

/** One answer file's content, flat values or lists (receipt lines, field errors); `undefined`/null are left out. */
export type Answer = Record<string, string | number | boolean | null | undefined | string[] | Record<string, string[]>>;

/** A single line for a key=value file: no line breaks or control characters can split it. */
const oneLine = (value: string) => value.replace(/[\p{Cc}]+/gu, ' ').trim();

export function serialise(answer: Answer, format: FileFormat): string {
  const entries = Object.entries(answer).filter(([, v]) => v !== undefined && v !== null);
  if (format === 'json') return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\r\n`;
  const lines: string[] = [];
  for (const [key, value] of entries) {
    if (Array.isArray(value)) for (const item of value) lines.push(`${key}=${oneLine(item)}`);
    else if (typeof value === 'object') for (const [field, messages] of Object.entries(value!)) for (const m of messages) lines.push(`${key}=${oneLine(`${field}: ${m}`)}`);
    else lines.push(`${key}=${typeof value === 'boolean' ? (value ? 'yes' : 'no') : oneLine(String(value))}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The proof line (docs/epos-integration.md, "Checking that an answer is the companion's"): the first line of a
 * key=value answer (`proof=…`), the first member of a JSON one (`  "proof": "…",`). Everything else in the file is
 * exactly what was signed, so an EPOS removes that one line and checks the HMAC over the rest.
 */
export function withProofLine(content: string, format: FileFormat, proof: string): string {
  if (format === 'kv') return `proof=${proof}\r\n${content}`;
  // serialise() writes JSON as `{\n  "…": …\n}\r\n`: the proof goes in as the first member, on its own line.
  return content.replace(/^\{\n/, `{\n  "proof": "${proof}",\n`);
}

const PROOF_LINE = /^(?:proof=([A-Za-z0-9_-]{1,100})\r?| {2}"proof": "([A-Za-z0-9_-]{1,100})",)$/;

/** Splits an answer file into its proof and the bytes it covers; null when it has no proof line. */
export function splitProofLine(bytes: Buffer): { proof: string; content: Buffer } | null {
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) return null;
    const match = PROOF_LINE.exec(bytes.subarray(start, end).toString('latin1'));
    if (match) return { proof: match[1] ?? match[2]!, content: Buffer.concat([bytes.subarray(0, start), bytes.subarray(end + 1)]) };
    start = end + 1;
  }
  return null;
}

/** What the companion needs back from a result it wrote before a restart (the rest is for the EPOS). */
const WrittenResultSchema = z.looseObject({ status: z.string().max(40), payment: z.string().max(100).optional(), completed_at: z.string().max(40).optional() });

/** Reads back a result the companion wrote (after a restart); null when it is not ours or unreadable. */
export function readAnswer(bytes: Buffer): z.infer<typeof WrittenResultSchema> | null {
  try {
    const text = decodeText(bytes);
    const raw: unknown = formatOf(text) === 'json' ? JSON.parse(text) : parseKeyValue(text, { requireFinalNewline: false, repeats: true });
    const parsed = WrittenResultSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Dojo's receipt lines as plain text lines (a separator becomes dashes, a blank line stays blank). */
export function receiptText(lines: ReceiptLine[] | null): string[] | undefined {
  if (!lines) return undefined;
  return lines.map((line) => {
    if (line.lineType === 'SingleLineSeperator' || line.lineType === 'SingleLineSeparator') return '-'.repeat(32);
    if (line.lineType === 'DoubleLineSeperator' || line.lineType === 'DoubleLineSeparator') return '='.repeat(32);
    return line.text?.value ?? '';
  });
}

const TRAINING_NOTE = 'TRAINING: no money moved. Never record this as a real payment.';

/** The result file for a payment: the same status words and amounts (read back from Dojo) as the HTTP API. */
export function resultAnswer(id: string, payment: PaymentView, completedAt: number): Answer {
  const r = payment.result;
  return {
    id,
    status: payment.status,
    environment: payment.environment,
    training: payment.environment === 'training',
    ...(payment.environment === 'training' ? { notice: TRAINING_NOTE } : {}),
    type: payment.type === 'Sale' ? 'sale' : payment.type === 'MatchedRefund' ? 'refund' : 'unlinked_refund',
    payment: payment.id,
    reference: payment.reference,
    amount: payment.amount,
    currency: payment.currency,
    total: r?.totalAmount,
    tips: r?.tipsAmount,
    cashback: r?.cashbackAmount,
    card_scheme: r?.cardScheme,
    last4: r?.last4,
    auth_code: r?.authCode,
    terminal: payment.terminalTid ?? payment.terminalId,
    message: payment.message,
    attention: payment.attention ? `${payment.attention.reason} ${payment.attention.instruction}` : undefined,
    completed_at: new Date(completedAt).toISOString(),
    receipt_customer: receiptText(payment.receipts.customer),
    receipt_merchant: receiptText(payment.receipts.merchant),
  };
}
