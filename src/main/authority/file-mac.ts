import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The MAC of a sealed file (security.json, journal-seal.json): hex HMAC-SHA256 of its JSON body with a key kept in
 * the OS keychain, so someone who can edit the file cannot write one that checks out.
 */
export const fileMac = (key: Buffer, text: string): string => createHmac('sha256', key).update(text).digest('hex');

/** True only for the MAC the key gives for exactly this text (compared in constant time; anything not hex fails). */
export function macMatches(key: Buffer, text: string, given: string): boolean {
  const expected = Buffer.from(fileMac(key, text), 'hex');
  const actual = Buffer.from(/^[0-9a-f]{64}$/.test(given) ? given : '', 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
