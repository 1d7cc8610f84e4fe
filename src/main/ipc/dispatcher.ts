import { contract, type ParsedRequest, type Response } from '../../shared/contract';
import type { Channel } from '../../shared/channels';
import type { IpcResult } from '../../shared/errors';
import { AppError, fieldErrors, toIpcError } from '../errors';

export type Handler<C extends Channel> = (request: ParsedRequest<C>) => Promise<Response<C>> | Response<C>;
export type Handlers = { [C in Channel]: Handler<C> };

export interface DispatchLogger {
  error(message: string, meta?: Record<string, unknown>): void;
}

/**
 * The one path every renderer request takes, whatever carries it (Electron IPC or the web harness):
 * known channel -> validated input -> handler -> validated output, never throwing, never leaking a stack.
 */
export function createDispatcher(handlers: Handlers, logger?: DispatchLogger) {
  return async function dispatch(channel: string, rawRequest: unknown): Promise<IpcResult<unknown>> {
    if (!Object.hasOwn(contract, channel)) {
      return { ok: false, error: { code: 'VALIDATION', message: `Unknown request "${channel.slice(0, 60)}".` } };
    }
    const known = channel as Channel;
    const parsed = contract[known].request.safeParse(rawRequest);
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error.issues);
      return { ok: false, error: { code: 'VALIDATION', message: 'The request was not valid.', fields } };
    }
    try {
      const handler = handlers[known] as (request: unknown) => Promise<unknown> | unknown;
      const data = await handler(parsed.data);
      const checked = contract[known].response.safeParse(data);
      if (!checked.success) throw new Error(`response of ${known} broke the contract: ${checked.error.message}`);
      return { ok: true, data: checked.data };
    } catch (error) {
      if (!(error instanceof AppError)) logger?.error('IPC handler failed', { channel: known, error: String(error) });
      return { ok: false, error: toIpcError(error) };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
