import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatcher';
import { AppError } from '../../src/main/errors';
import type { AppInfo } from '../../src/shared/app-info';

const info: AppInfo = {
  productName: 'Till Companion',
  version: '1.2.3',
  environment: 'training',
  trainingMode: true,
  host: 'test',
  platform: 'linux',
  resellerId: 'default',
  brandColour: '#1f4fd1',
};

// Only app:info is exercised here; the other channels are covered by their own tests.
const handlersReturning = (impl: Handlers['app:info']): Handlers => ({ 'app:info': impl }) as Handlers;

describe('IPC dispatcher', () => {
  it('runs the handler and returns its validated data', async () => {
    const dispatch = createDispatcher(handlersReturning(() => info));
    await expect(dispatch('app:info', undefined)).resolves.toEqual({ ok: true, data: info });
  });

  it('refuses malformed input with VALIDATION and field messages, without calling the handler', async () => {
    let called = false;
    const dispatch = createDispatcher(handlersReturning(() => ((called = true), info)));
    const result = await dispatch('app:info', { surprise: true });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION');
      expect(result.error.fields).toBeDefined();
    }
    expect(called).toBe(false);
  });

  it('refuses an unknown channel', async () => {
    const dispatch = createDispatcher(handlersReturning(() => info));
    const result = await dispatch('fs:readFile', '/etc/passwd');
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('maps a throwing handler to INTERNAL with no stack or internals in the message', async () => {
    const logged: string[] = [];
    const dispatch = createDispatcher(
      handlersReturning(() => {
        throw new Error('secret detail at /home/till/app.js:12:3');
      }),
      { error: (m) => logged.push(m) },
    );
    const result = await dispatch('app:info', undefined);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INTERNAL');
      expect(result.error.message).not.toMatch(/secret detail|app\.js|at /);
    }
    expect(logged).toHaveLength(1);
  });

  it('passes an AppError code and message through', async () => {
    const dispatch = createDispatcher(
      handlersReturning(() => {
        throw new AppError('TERMINAL_BUSY', 'The terminal is busy with another payment.');
      }),
    );
    await expect(dispatch('app:info', undefined)).resolves.toEqual({
      ok: false,
      error: { code: 'TERMINAL_BUSY', message: 'The terminal is busy with another payment.' },
    });
  });

  it('treats a handler answer that breaks the contract as INTERNAL', async () => {
    const dispatch = createDispatcher(handlersReturning(() => ({ ...info, version: 42 }) as unknown as AppInfo));
    await expect(dispatch('app:info', undefined)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
