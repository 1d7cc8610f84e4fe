import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { RUNNING_STATUSES } from '../../shared/payments';
import { reportCsv } from '../../shared/report-slip';
import { ReportSchema } from '../../shared/reports';
import { KeytarSecretStore } from '../secrets/keytar-store';
import { SECRET_ACCOUNTS } from '../secrets/secret-store';
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
  env: Readonly<Record<string, string | undefined>>;
  out: (text: string) => void;
  err: (text: string) => void;
  defaultPort?: number;
}

const USAGE = `Usage:
  till-companion pay --amount 12.50 --currency GBP --reference R123 [--terminal ID] [--key IDEMPOTENCY-KEY] [--wait]
  till-companion refund (--payment ID | --reference R123) --amount 5.00 [--key KEY] [--wait]
      (above the till's supervisor threshold, --wait also waits for the supervisor; declined there exits 1)
  till-companion status (--payment ID | --reference R123) [--wait]
  till-companion report x|z [--number N] [--format json|csv] [--output FILE]
      x: the X report now; z: close the trading day (the same Z again if it is closed); z --number N: reprint Z N.
Options: --port N (default 7878), --token T (default: the companion's, from the keychain), --timeout S (default 300),
         --output FILE (write the JSON there too),
         --environment training|sandbox|production (or ${ENVIRONMENT_VARIABLE}): required for pay and refund when the
         companion is not in production; it must name the companion's environment.
Exit codes: 0 approved (or started, without --wait; a report written), 1 declined, 2 cancelled or expired,
            3 needs attention (a Z needs the supervisor on the companion), 4 error,
            ${EXIT_NOT_PRODUCTION} any result or report from training or sandbox (no real money: read "status" / "environment" in the JSON).`;

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
        timeout: { type: 'string', default: '300' },
        output: { type: 'string' },
        number: { type: 'string' },
        format: { type: 'string', default: 'json' },
        environment: { type: 'string' },
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
  const token = (values['token'] as string | undefined) ?? deps.env['TILL_EPOS_TOKEN'] ?? (await deps.storedToken().catch(() => null));
  if (!token) return fail('No EPOS token: give --token, or run this as the same user as the companion.');
  let environment: string | undefined;
  try {
    environment = namedEnvironment((values['environment'] as string | undefined) ?? deps.env[ENVIRONMENT_VARIABLE]);
  } catch (error) {
    return fail((error as Error).message);
  }
  const base = `http://127.0.0.1:${port}`;
  const call: Call = async (method, path, body, key) => {
    const response = await deps.fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
        ...(environment ? { [ENVIRONMENT_HEADER]: environment } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw Object.assign(new Error(String(json['detail'] ?? json['title'] ?? `HTTP ${response.status}`)), { problem: json });
    return json;
  };

  if (command === 'report') return runReport(report, values, call, write, fail);

  try {
    let paymentId: string | undefined = values['payment'] as string | undefined;
    if (command === 'pay' || command === 'refund') {
      const amount = parseAmount(String(values['amount'] ?? ''));
      if (amount === null) return fail('--amount must be like 12.50 (pounds or euros and pence or cents).');
      const key = values['key'] as string | undefined;
      const accepted =
        command === 'pay'
          ? await call('POST', '/v1/sales', { amount, currency: values['currency'], reference: values['reference'], ...(values['terminal'] ? { terminalId: values['terminal'] } : {}) }, key)
          : await call('POST', '/v1/refunds', { amount, ...(paymentId ? { paymentId } : { reference: values['reference'] }) }, key);
      if (!values['wait']) {
        emit(accepted);
        return exitCodeInEnvironment(accepted['environment'], EXIT.approved);
      }
      let started = accepted;
      if (typeof accepted['requestId'] === 'string') {
        // Above the till's threshold a refund waits for the supervisor's PIN on the till: follow the request.
        const deadline = Date.now() + Number(values['timeout']) * 1000;
        const route = `/v1/refund-requests/${encodeURIComponent(accepted['requestId'])}`;
        while (started['status'] === 'awaiting_confirmation' && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          started = await call('GET', route);
        }
        if (started['status'] !== 'started') {
          emit(started);
          return started['status'] === 'declined' ? EXIT.declined : EXIT.error;
        }
      }
      paymentId = String(started['paymentId']);
    } else if (!paymentId) {
      if (!values['reference']) return fail('status needs --payment ID or --reference R.');
      const found = (await call('GET', `/v1/payments?reference=${encodeURIComponent(String(values['reference']))}`))['payments'] as { paymentId: string }[];
      if (!found.length) return fail(`No payment with reference "${values['reference']}".`);
      paymentId = found[0]!.paymentId;
    }

    let payment = await call('GET', `/v1/payments/${encodeURIComponent(paymentId)}`);
    const deadline = Date.now() + Number(values['timeout']) * 1000;
    while (values['wait'] && RUNNING.includes(String(payment['status'])) && Date.now() < deadline) {
      payment = await call('GET', `/v1/payments/${encodeURIComponent(paymentId)}?wait=30&since=${encodeURIComponent(String(payment['updatedAt']))}`);
    }
    emit(payment);
    if (RUNNING.includes(String(payment['status'])) && values['wait']) return EXIT.error;
    return exitCodeInEnvironment(payment['environment'], RUNNING.includes(String(payment['status'])) ? EXIT.approved : exitCodeFor(String(payment['status'])));
  } catch (error) {
    const problem = (error as { problem?: unknown }).problem;
    const refused = error instanceof TypeError ? 'The companion is not running (nothing answers on the EPOS port).' : (error as Error).message;
    return fail(refused, problem ? { problem } : {});
  }
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
  try {
    const body = which === 'x' ? await call('GET', '/v1/reports/x') : number ? await call('GET', `/v1/reports/z/${number}`) : await call('POST', '/v1/reports/z');
    const parsed = ReportSchema.safeParse(body);
    if (!parsed.success) return fail('The companion answered with something that is not a report.');
    write(format === 'csv' ? reportCsv(parsed.data) : `${JSON.stringify(parsed.data, null, 2)}\n`);
    return exitCodeInEnvironment(parsed.data.environment, EXIT.approved);
  } catch (error) {
    const problem = (error as { problem?: Record<string, unknown> }).problem;
    const message = error instanceof TypeError ? 'The companion is not running (nothing answers on the EPOS port).' : (error as Error).message;
    fail(message, problem ? { problem } : {});
    return problem?.['code'] === 'SUPERVISOR_REQUIRED' ? EXIT.needsAttention : EXIT.error;
  }
}

/** The command line as the app runs it: the token from the OS keychain of the user running it, stdio, env. */
export async function runCliFromKeychain(args: readonly string[], appId: string): Promise<number> {
  const store = new KeytarSecretStore(appId);
  return runCli(args, {
    fetch: globalThis.fetch,
    storedToken: () => store.get(SECRET_ACCOUNTS.eposToken),
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}
