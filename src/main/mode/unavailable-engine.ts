import type { PaymentView, TerminalView } from '../../shared/payments';
import { AppError } from '../errors';
import { PaymentEngine, type EngineOptions } from '../payments/engine';

/**
 * The engine of a till that had a Dojo key and cannot use it now: its journal can still be read (history,
 * totals, the attention list), but nothing reaches Dojo and no payment starts, is cancelled or is answered until
 * the key is back. Unfinished payments wait in the journal; recovery runs once the key can be read.
 */
export class UnavailableEngine extends PaymentEngine {
  constructor(
    options: Omit<EngineOptions, 'client'>,
    private readonly problem: () => AppError,
  ) {
    super({ ...options, client: () => { throw problem(); } });
  }

  override async recover(): Promise<number> {
    return 0;
  }
  override async listTerminals(): Promise<TerminalView[]> {
    throw this.problem();
  }
  override startSale(): PaymentView {
    throw this.problem();
  }
  override startMatchedRefund(): PaymentView {
    throw this.problem();
  }
  override startUnlinkedRefund(): PaymentView {
    throw this.problem();
  }
  override async cancel(): Promise<PaymentView> {
    throw this.problem();
  }
  override async answerSignature(): Promise<PaymentView> {
    throw this.problem();
  }
  override async resolve(): Promise<PaymentView> {
    throw this.problem();
  }
}
