import { appendDigit, removeDigit } from './format';

/**
 * An amount typed as the terminal's keypad does: digits are minor units ("1250" shows £12.50). A prefilled
 * amount (a refund's "what is left") is replaced by the first digit, never extended.
 */
export interface TypedAmount {
  amount: number;
  prefilled: boolean;
}
export type AmountAction = { kind: 'digit'; digit: string } | { kind: 'backspace' } | { kind: 'set'; minor: number; prefill: boolean };

export function amountReducer(state: TypedAmount, action: AmountAction): TypedAmount {
  switch (action.kind) {
    case 'digit':
      return { amount: appendDigit(state.prefilled ? 0 : state.amount, action.digit), prefilled: false };
    case 'backspace':
      return { amount: state.prefilled ? 0 : removeDigit(state.amount), prefilled: false };
    case 'set':
      return { amount: action.minor, prefilled: action.prefill && action.minor > 0 };
  }
}
