import { AppError } from '../errors';

/** Dojo secret keys: `sk_sandbox_…` or `sk_prod_…`; the prefix decides the environment. */
const KEY_FORM = /^sk_(sandbox|prod)_[A-Za-z0-9_-]{8,200}$/;

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
