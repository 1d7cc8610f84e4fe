import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { RUNNING_STATUSES } from '../../shared/payments';
import { reportCsv } from '../../shared/report-slip';
import { ReportSchema } from '../../shared/reports';
import { KeytarSecretStore } from '../secrets/keytar-store';
import { SECRET_ACCOUNTS } from '../secrets/secret-store';
import { CHALLENGE_HEADER, newChallenge, PROOF_HEADER, verifyProof } from './proof';
import { ENVIRONMENT_HEADER, ENVIRONMENT_VARIABLE, EXIT_NOT_PRODUCTION, exitCodeInEnvironment, namedEnvironment } from './environment-rule';

/**
 * `till-companion pay|refund|status …`: for an EPOS that can only run a program. It talks to the running
 * companion through the loopback EPOS API, prints the outcome as JSON and exits with a code per outcome.
 */
export const EXIT = { approved: 0, declined: 1, cancelled: 2, needsAttention: 3, error: 4, notProduction: EXIT_NOT_PRODUCTION } as const;
export const CLI_COMMANDS = ['pay', 'refund', 'status', 'report'] as const;

export function cliCommand(args: readonly string[]): (typeof CLI_COMMANDS)[number] | undefined {
  const first = args.find((a) => !a.startsWith('-'));
  return (CLI_COMMANDS as readonly string[]).includes(first ?? '') ? (first as (typeof CLI_COMMANDS)[number]) : undefined;
}

export interface CliDeps {
  fetch: typeof fetch;
  /** The EPOS token when not given on the command line (the keychain, in the app). */
  storedToken: () => Promise<string | null>;
  /** Everything on standard input (for --token-stdin). */
  stdin: () => Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  out: (text: string) => void;
  err: (text: string) => void;
  defaultPort?: number;
}

const USAGE = `Usage:
  till-companion pay --amount 12.50 --currency GBP --reference R123 [--terminal ID] [--key IDEMPOTENCY-KEY] [--wait]
  till-companion refund (--payment ID | --reference R123) --amount 5.00 [--terminal ID] [--key KEY] [--wait]
      (above the till's supervisor threshold, --wait also waits for the supervisor; declined there exits 1)
  till-companion status (--payment ID | --reference R123) [--wait]
  till-companion report x|z [--number N] [--format json|csv] [--output FILE]
      x: the X report now; z: close the trading day (the same Z again if it is closed); z --number N: reprint Z N.
Options: --port N (default 7878), --timeout S (default 300), --output FILE (write the JSON there too),
         --token-stdin (read the EPOS token from the first line of standard input),
         --environment training|sandbox|production (or ${ENVIRONMENT_VARIABLE}): required for pay and refund when the
         companion is not in production; it must name the companion's environment.
The token comes from --token-stdin, else TILL_EPOS_TOKEN, else the keychain (run as the companion's user).
Exit codes: 0 approved (or started, without --wait; a report written), 1 declined, 2 cancelled or expired,
3 needs attention or outcome unknown (report z: the supervisor must close the day on the companion), 4 error
(nothing started), ${EXIT_NOT_PRODUCTION} any result or report from training or sandbox (no real money: read "status"
or "environment" in the JSON).`;

/** --token puts the token in the process list, where every user of the computer can read it. */
export const TOKEN_ARGUMENT_WARNING =
  'Warning: --token shows the EPOS token to every program on this computer (the process list). Use --token-stdin, TILL_EPOS_TOKEN or the keychain instead; --token will be removed.\n';

/** Why the CLI would not trust what answered; a squatter on the port never sees the token. */
export const NOT_THE_COMPANION = (port: number) =>
  `Refused: the program answering on 127.0.0.1:${port} could not prove it is Till Companion holding this EPOS token, so the token and the payment were not sent to it. Another program may be using the port (the companion's screen then says so), or the token has changed (Settings -> EPOS connection).`;

class Unproven extends Error {}
class Busy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('busy');
  }
}

/** "12.50" -> 1250 without floating point; null when it is not an amount. */
export function parseAmount(text: string): number | null {
  const match = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const minor = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return minor > 0 ? minor : null;
}

export function exitCodeFor(status: string): number {
  switch (status) {
    case 'approved':
      return EXIT.approved;
    case 'declined':
      return EXIT.declined;
    case 'cancelled':
    case 'expired':
      return EXIT.cancelled;
    case 'needs_attention':
      return EXIT.needsAttention;
    default:
      return EXIT.error;
  }
}

const RUNNING: readonly string[] = RUNNING_STATUSES;

export async function runCli(args: readonly string[], deps: CliDeps): Promise<number> {
  const command = cliCommand(args);
  let values: Record<string, string | boolean | undefined>;
  const rest = args.filter((a) => a !== command);
  const report = command === 'report' ? rest.find((a) => !a.startsWith('-')) : undefined;
  try {
    values = parseArgs({
      args: report ? rest.filter((a) => a !== report) : rest,
      options: {
        amount: { type: 'string' },
        currency: { type: 'string', default: 'GBP' },
        reference: { type: 'string' },
        payment: { type: 'string' },
        terminal: { type: 'string' },
        key: { type: 'string' },
        wait: { type: 'boolean', default: false },
        port: { type: 'string' },
        token: { type: 'string' },
        'token-stdin': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '300' },
        output: { type: 'string' },
        environment: { type: 'string' },
        number: { type: 'string' },
        format: { type: 'string', default: 'json' },
      },
      allowPositionals: false,
    }).values;
  } catch (error) {
    deps.err(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT.error;
  }
  if (!command) {
    deps.err(`${USAGE}\n`);
    return EXIT.error;
  }
  const write = (text: string) => {
    deps.out(text);
    if (typeof values['output'] === 'string') fs.writeFileSync(values['output'], text);
  };
  const emit = (body: unknown) => write(`${JSON.stringify(body, null, 2)}\n`);
  const fail = (message: string, extra: Record<string, unknown> = {}) => {
    emit({ error: message, ...extra });
    return EXIT.error;
  };

  const port = Number(values['port'] ?? deps.env['TILL_EPOS_PORT'] ?? deps.defaultPort ?? 7878);
  let token: string | null | undefined;
  if (values['token-stdin']) token = (await deps.stdin()).split(/\r?\n/)[0]?.trim();
  else if (typeof values['token'] === 'string') {
    deps.err(TOKEN_ARGUMENT_WARNING);
    token = values['token'];
  } else token = deps.env['TILL_EPOS_TOKEN'] ?? (await deps.storedToken().catch(() => null));
  if (!token) return fail('No EPOS token: pipe it in with --token-stdin, set TILL_EPOS_TOKEN, or run this as the same user as the companion (keychain).');
  const secret = token;
  let environment: string | undefined;
  try {
    environment = namedEnvironment((values['environment'] as string | undefined) ?? deps.env[ENVIRONMENT_VARIABLE]);
  } catch (error) {
    return fail((error as Error).message);
  }
  const base = `http://127.0.0.1:${port}`;

  /** One request; every answer must carry the proof for a fresh challenge, or it is not believed. */
  const exchange = async (method: string, path: string, options: { body?: unknown; key?: string; authorised: boolean }) => {
    const challenge = newChallenge();
    const response = await deps.fetch(`${base}${path}`, {
      method,
      headers: {
        [CHALLENGE_HEADER]: challenge,
        ...(options.authorised ? { authorization: `Bearer ${secret}` } : {}),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.key ? { 'idempotency-key': options.key } : {}),
        ...(environment ? { [ENVIRONMENT_HEADER]: environment } : {}),
      },
      ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    if (!verifyProof(secret, port, challenge, response.status, raw, response.headers.get(PROOF_HEADER))) {
      // A full companion answers 503 before it can read the challenge: wait as it asks, a few times.
      if (response.status === 503 || response.status === 429) throw new Busy(Number(response.headers.get('retry-after')) || 1);
      throw new Unproven();
    }
    return { status: response.status, json: JSON.parse(raw.toString('utf8') || 'null') as Record<string, unknown>, headers: response.headers };
  };
  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        const { status, json, headers } = await exchange(method, path, { body, key, authorised: true });
        // The companion's own limits say "again shortly"; other 429/503s (a full refund queue, Dojo unreachable) are answers.
        if ((status === 429 || status === 503) && (json['code'] === 'RATE_LIMITED' || json['code'] === 'BUSY')) throw new Busy(Number(headers.get('retry-after')) || 1);
        if (status >= 400) throw Object.assign(new Error(String(json['detail'] ?? json['title'] ?? `HTTP ${status}`)), { problem: json });
        return json;
      } catch (error) {
        if (!(error instanceof Busy) || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(error.retryAfterSeconds, 5) * 1000));
      }
    }
  };

  let paymentId: string | undefined = values['payment'] as string | undefined;
  let started = false;
  /** The sale or refund request went out: from here a lost or unproven answer never means "nothing started". */
  let sent = false;
  try {
    // Before the token leaves this process: whatever answers must prove it holds the same token.
    await exchange('GET', '/v1/health', { authorised: false });
    if (command === 'report') return await runReport(report, values, call, write, fail);

    if (command === 'pay' || command === 'refund') {
      const amount = parseAmount(String(values['amount'] ?? ''));
      if (amount === null) return fail('--amount must be like 12.50 (pounds or euros and pence or cents).');
      const key = values['key'] as string | undefined;
      sent = true;
      const accepted =
        command === 'pay'
          ? await call('POST', '/v1/sales', { amount, currency: values['currency'], reference: values['reference'], ...(values['terminal'] ? { terminalId: values['terminal'] } : {}) }, key)
          : await call('POST', '/v1/refunds', { amount, ...(paymentId ? { paymentId } : { reference: values['reference'] }), ...(values['terminal'] ? { terminalId: values['terminal'] } : {}) }, key);
      started = true;
      if (!values['wait']) {
        emit(accepted);
        return exitCodeInEnvironment(accepted['environment'], EXIT.approved);
      }
      let answer = accepted;
      if (typeof accepted['requestId'] === 'string') {
        // Above the till's threshold a refund waits for the supervisor's PIN on the till: follow the request.
        const deadline = Date.now() + Number(values['timeout']) * 1000;
        const route = `/v1/refund-requests/${encodeURIComponent(accepted['requestId'])}`;
        while (answer['status'] === 'awaiting_confirmation' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          answer = await call('GET', route);
        }
        if (answer['status'] !== 'started') {
          emit(answer);
          return answer['status'] === 'declined' ? EXIT.declined : EXIT.error;
        }
      }
      paymentId = String(answer['paymentId']);
    } else if (!paymentId) {
      if (!values['reference']) return fail('status needs --payment ID or --reference R.');
      const found = (await call('GET', `/v1/payments?reference=${encodeURIComponent(String(values['reference']))}`))['payments'] as { paymentId: string }[];
      if (!found.length) return fail(`No payment with reference "${values['reference']}".`);
      paymentId = found[0]!.paymentId;
    }
    started ||= command === 'status';

    let payment = await call('GET', `/v1/payments/${encodeURIComponent(paymentId)}`);
    const deadline = Date.now() + Number(values['timeout']) * 1000;
    while (values['wait'] && RUNNING.includes(String(payment['status'])) && Date.now() < deadline) {
      payment = await call('GET', `/v1/payments/${encodeURIComponent(paymentId)}?wait=30&since=${encodeURIComponent(String(payment['updatedAt']))}`);
    }
    emit(payment);
    if (RUNNING.includes(String(payment['status'])) && values['wait']) return EXIT.error;
    return exitCodeInEnvironment(payment['environment'], RUNNING.includes(String(payment['status'])) ? EXIT.approved : exitCodeFor(String(payment['status'])));
  } catch (error) {
    const lost = error instanceof Unproven || (error instanceof TypeError && !(sent && !started && neverConnected(error)));
    if (lost && (started || sent)) {
      // The payment is at the real companion (or may be); an answer we cannot believe, or none, leaves its outcome unknown.
      const why = error instanceof Unproven ? NOT_THE_COMPANION(port) : 'The companion stopped answering.';
      emit(
        paymentId
          ? { error: `${why} The outcome of payment ${paymentId} is unknown: check the companion's screen.`, paymentId, status: 'unknown' }
          : { error: `${why} The ${command === 'pay' ? 'sale' : 'refund'} was sent and may have started: check the companion's screen before trying again. Sent again with the same --key (pay without --key: the same reference, the same day) it never starts a second one.`, paymentId: null, status: 'unknown' },
      );
      return EXIT.needsAttention;
    }
    if (error instanceof Unproven) return fail(NOT_THE_COMPANION(port));
    const problem = (error as { problem?: unknown }).problem;
    const refused = error instanceof Busy ? 'The companion is busy (too many requests); try again in a moment.' : error instanceof TypeError ? 'The companion is not running (nothing answers on the EPOS port).' : (error as Error).message;
    return fail(refused, problem ? { problem } : {});
  }
}

/** fetch failed before any connection was made (the companion is not listening): nothing can have been sent. */
function neverConnected(error: TypeError): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL';
}

type Call = (method: string, path: string, body?: unknown, key?: string) => Promise<Record<string, unknown>>;

/** `report x|z`: the X report, closing the day (or the day's Z again), or a Z reprinted by number; JSON or CSV. */
async function runReport(
  which: string | undefined,
  values: Record<string, string | boolean | undefined>,
  call: Call,
  write: (text: string) => void,
  fail: (message: string, extra?: Record<string, unknown>) => number,
): Promise<number> {
  if (which !== 'x' && which !== 'z') return fail('report needs x or z: till-companion report x|z [--number N] [--format json|csv] [--output FILE]');
  const format = values['format'];
  if (format !== 'json' && format !== 'csv') return fail('--format is json or csv.');
  const number = values['number'] === undefined ? undefined : Number(values['number']);
  if (number !== undefined && (which !== 'z' || !Number.isInteger(number) || number < 1)) return fail('--number N (a Z number from 1) goes with report z.');
  let body: Record<string, unknown>;
  try {
    body = which === 'x' ? await call('GET', '/v1/reports/x') : number ? await call('GET', `/v1/reports/z/${number}`) : await call('POST', '/v1/reports/z');
  } catch (error) {
    const problem = (error as { problem?: Record<string, unknown> }).problem;
    if (problem?.['code'] !== 'SUPERVISOR_REQUIRED') throw error;
    fail((error as Error).message, { problem });
    return EXIT.needsAttention;
  }
  const parsed = ReportSchema.safeParse(body);
  if (!parsed.success) return fail('The companion answered with something that is not a report.');
  write(format === 'csv' ? reportCsv(parsed.data) : `${JSON.stringify(parsed.data, null, 2)}\n`);
  return exitCodeInEnvironment(parsed.data.environment, EXIT.approved);
}

/** The command line as the app runs it: the token from the OS keychain of the user running it, stdio, env. */
export async function runCliFromKeychain(args: readonly string[], keychainService: string): Promise<number> {
  const store = new KeytarSecretStore(keychainService);
  const code = await runCli(args, {
    fetch: globalThis.fetch,
    storedToken: () => store.get(SECRET_ACCOUNTS.eposToken),
    stdin: readStdin,
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  // The caller exits at once (app.exit): on Windows a pipe to the console launcher is written asynchronously.
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  return code;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break; // the first line is enough: never wait for an EOF that may not come
  }
  return Buffer.concat(chunks).toString('utf8');
}
