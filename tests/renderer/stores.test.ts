import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PaymentView } from '../../src/shared/payments';

// The renderer's stores run under Node with a fake window.till (the real one is the preload or the harness client).
const till: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
vi.stubGlobal('window', { till });
const { usePaymentStore } = await import('../../src/renderer/stores/payment-store');
const { useEposStore } = await import('../../src/renderer/stores/epos-store');
const { useSettingsStore } = await import('../../src/renderer/stores/settings-store');
const { useSaleEntryStore } = await import('../../src/renderer/stores/sale-entry-store');
const { appendDigit, formatMoney, removeDigit } = await import('../../src/renderer/lib/format');
const { promptWords } = await import('../../src/renderer/lib/words');

const view = (over: Partial<PaymentView>): PaymentView => ({ id: 'p1', status: 'starting', createdAt: '2026-11-25T10:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z', revision: 1, ...over }) as PaymentView;

describe('payment store', () => {
  beforeEach(() => usePaymentStore.getState().dismiss());

  it('keeps a pushed final state that overtook the answer to "start"', async () => {
    let answer!: (value: unknown) => void;
    till['startSale'] = () => new Promise((resolve) => (answer = resolve));
    const starting = usePaymentStore.getState().startSale({ amount: 100, currency: 'GBP', terminalId: 't' });
    usePaymentStore.getState().receive(view({ status: 'failed', revision: 3 }));
    answer({ ok: true, data: view({ status: 'starting', revision: 1 }) });
    await starting;
    expect(usePaymentStore.getState().current?.status).toBe('failed');
    expect(usePaymentStore.getState().running).toEqual([]);
  });

  it('orders by revision, not by clock: two changes in the same millisecond keep the later one', () => {
    usePaymentStore.getState().show(view({ id: 'same-ms', status: 'in_progress', revision: 4 }));
    usePaymentStore.getState().receive(view({ id: 'same-ms', status: 'failed', revision: 5 }));
    usePaymentStore.getState().receive(view({ id: 'same-ms', status: 'in_progress', revision: 4 }));
    expect(usePaymentStore.getState().current?.status).toBe('failed');
  });

  it('a late answer shown on screen (an EPOS refund confirmed with the PIN) never puts an older state back', () => {
    usePaymentStore.getState().receive(view({ id: 'refund', status: 'failed', revision: 3 }));
    usePaymentStore.getState().show(view({ id: 'refund', status: 'starting', revision: 1 }));
    expect(usePaymentStore.getState().current).toMatchObject({ id: 'refund', status: 'failed' });
  });

  it('starts one payment for keys pressed faster than the screen re-renders: a second start while one is on its way sends nothing', async () => {
    const answers: ((value: unknown) => void)[] = [];
    let calls = 0;
    till['startSale'] = () => ((calls += 1), new Promise((resolve) => answers.push(resolve)));
    const first = usePaymentStore.getState().startSale({ amount: 100, currency: 'GBP', terminalId: 't' });
    const second = usePaymentStore.getState().startSale({ amount: 100, currency: 'GBP', terminalId: 't' });
    const refund = usePaymentStore.getState().startUnlinkedRefund({ amount: 100, currency: 'GBP', terminalId: 't', supervisorPin: '2468' });
    answers.forEach((answer) => answer({ ok: true, data: view({ id: 'once', status: 'starting', revision: 1 }) }));
    expect(await Promise.all([first, second, refund])).toEqual([true, false, false]);
    expect(calls).toBe(1);
    usePaymentStore.getState().receive(view({ id: 'once', status: 'declined', revision: 2 }));
  });

  it('a late answer never reopens a payment the cashier closed (Done pressed while the answer was on its way)', () => {
    usePaymentStore.getState().receive(view({ id: 'late', status: 'failed', revision: 3 }));
    usePaymentStore.getState().show(view({ id: 'late', status: 'failed', revision: 3 }));
    usePaymentStore.getState().dismiss();
    usePaymentStore.getState().show(view({ id: 'late', status: 'starting', revision: 1 }));
    expect(usePaymentStore.getState().current).toBeUndefined();
    // The cashier asking for it again (the bar's Show payment) does show it.
    usePaymentStore.getState().show(view({ id: 'late', status: 'failed', revision: 3 }), true);
    expect(usePaymentStore.getState().current?.id).toBe('late');
  });

  it('ignores updates of other payments and older updates of its own; running ones are listed for the bar', () => {
    usePaymentStore.getState().show(view({ id: 'manual', status: 'in_progress', revision: 3 }));
    usePaymentStore.getState().receive(view({ id: 'other', status: 'approved', revision: 9 }));
    usePaymentStore.getState().receive(view({ id: 'epos', status: 'in_progress', createdAt: '2026-11-25T10:00:05.000Z', revision: 2 }));
    usePaymentStore.getState().receive(view({ id: 'manual', status: 'starting', revision: 1 }));
    expect(usePaymentStore.getState().current).toMatchObject({ id: 'manual', status: 'in_progress' });
    expect(usePaymentStore.getState().running.map((p) => p.id)).toEqual(['epos', 'manual']);
  });
});

describe('EPOS store', () => {
  it('confirms a refund request once, however many times Enter reaches it, and closes its dialog on the answer', async () => {
    const request = { requestId: 'r1', kind: 'unlinked', amount: 450, currency: 'GBP', reference: null, saleId: null, terminalId: 't', createdAt: '2026-11-25T10:00:00.000Z' } as const;
    useEposStore.getState().setPending([request, { ...request, requestId: 'r2' }]);
    const answers: ((value: unknown) => void)[] = [];
    let calls = 0;
    till['confirmRefundRequest'] = () => ((calls += 1), new Promise((resolve) => answers.push(resolve)));
    const first = useEposStore.getState().confirm(request, '2468');
    const second = useEposStore.getState().confirm(request, '2468');
    answers.forEach((answer) => answer({ ok: true, data: view({ id: 'refund-r1', type: 'UnlinkedRefund', status: 'starting', revision: 1 }) }));
    await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(useEposStore.getState().pending.map((r) => r.requestId)).toEqual(['r2']);
  });
});

describe('settings store', () => {
  it('never lets an older answer overwrite a newer choice', async () => {
    let loadAnswer!: (value: unknown) => void;
    till['getSettings'] = () => new Promise((resolve) => (loadAnswer = resolve));
    till['updateSettings'] = async () => ({ ok: true, data: { terminalId: 'chosen' } });
    const load = useSettingsStore.getState().load();
    await useSettingsStore.getState().update({ terminalId: 'chosen' });
    loadAnswer({ ok: true, data: { terminalId: null } });
    await load;
    expect(useSettingsStore.getState().view?.terminalId).toBe('chosen');
  });
});

describe('sale entry store', () => {
  it('keeps what was typed until cleared; a set amount is replaced by the next digit only when prefilled', () => {
    const entry = useSaleEntryStore.getState();
    entry.clear();
    for (const digit of '1250') useSaleEntryStore.getState().digit(digit);
    useSaleEntryStore.getState().setReference('Table 7');
    expect(useSaleEntryStore.getState()).toMatchObject({ amount: 1250, reference: 'Table 7', prefilled: false });
    useSaleEntryStore.getState().backspace();
    expect(useSaleEntryStore.getState().amount).toBe(125);
    useSaleEntryStore.getState().set(999, true);
    useSaleEntryStore.getState().digit('5');
    expect(useSaleEntryStore.getState().amount).toBe(5);
    useSaleEntryStore.getState().clear();
    expect(useSaleEntryStore.getState()).toMatchObject({ amount: 0, reference: '', prefilled: false });
  });
});

describe('money and words on screen', () => {
  it('types minor units and formats en-GB', () => {
    expect([..."1250"].reduce(appendDigit, 0)).toBe(1250);
    expect(formatMoney(1250, 'GBP')).toBe('£12.50');
    expect(formatMoney(1250, 'EUR')).toBe('€12.50');
    expect(removeDigit(1250)).toBe(125);
    expect(appendDigit(9_999_999, '1')).toBe(9_999_999);
    expect(promptWords('EnterPin')).toBe('Enter PIN');
    expect(promptWords('ScanRetina')).toBe('ScanRetina');
  });
});
