import { AppError } from '../errors';

/**
 * Dojo secret keys: `sk_sandbox_…` or `sk_prod_…`; the prefix decides the environment. Dojo does not document
 * the characters after it, so any printable character but a space is accepted (Dojo itself judges the key when
 * it is tested); only what cannot be a key is refused here.
 */
const KEY_FORM = /^sk_(sandbox|prod)_[\x21-\x7e]{8,250}$/;

export type LiveEnvironment = 'sandbox' | 'production';

export function environmentOfKey(key: string): LiveEnvironment {
  const match = KEY_FORM.exec(key.trim());
  if (!match) {
    throw new AppError('VALIDATION', 'That does not look like a Dojo secret key. It starts with sk_sandbox_ or sk_prod_ and has no spaces.', {
      apiKey: ['Expected sk_sandbox_… or sk_prod_….'],
    });
  }
  return match[1] === 'prod' ? 'production' : 'sandbox';
}

/** The last four characters, for the settings screen: enough to recognise a key, useless to anyone else. */
export const keyHint = (key: string): string => `…${key.slice(-4)}`;
