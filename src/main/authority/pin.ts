import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors';

type ScryptOptions = { N: number; r: number; p: number; maxmem: number };
const scrypt = (pin: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCallback(pin, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))));

/** New hashes: scrypt at N = 2^15 (about 32 MiB, tens of milliseconds), r = 8, p = 1. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
/** Highest cost a stored hash may ask for (2^17: 128 MiB): a file cannot make the till hash for minutes. */
const MAX_N = 2 ** 17;
const MAX_MEM = 160 * 1024 * 1024;

/**
 * A stored PIN hash, bounded: a hand-written hash with a tiny cost (quick to brute-force offline) or a huge one
 * (a denial of service on every check) is not a valid hash.
 */
export const PinHashSchema = z
  .object({
    algorithm: z.literal('scrypt'),
    salt: z.string().regex(/^[A-Za-z0-9+/]{22}==$/, '16 bytes of salt'),
    hash: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, '32 bytes of hash'),
    N: z.number().int().min(2 ** 14).max(MAX_N).refine((n) => (n & (n - 1)) === 0, 'N is a power of two'),
    r: z.literal(8),
    p: z.literal(1),
  })
  .strict();
export type PinHash = z.infer<typeof PinHashSchema>;

/** A salted scrypt hash: the PIN itself is never stored. */
export async function hashPin(pin: string): Promise<PinHash> {
  const salt = randomBytes(16);
  const hash = await scrypt(pin, salt, 32, { ...PARAMS, maxmem: MAX_MEM });
  return { algorithm: 'scrypt', salt: salt.toString('base64'), hash: hash.toString('base64'), ...PARAMS };
}

export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const bounded = PinHashSchema.parse(stored);
  const expected = Buffer.from(bounded.hash, 'base64');
  const actual = await scrypt(pin, Buffer.from(bounded.salt, 'base64'), expected.length, { N: bounded.N, r: bounded.r, p: bounded.p, maxmem: MAX_MEM });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The longest PIN accepted. */
export const MAX_PIN_LENGTH = 12;

/**
 * Why a new PIN is refused, or null: digits only, at least `minLength` (6 unless the build allows 4), and not
 * one a thief tries first (one digit repeated, a run up or down, a short pattern repeated).
 */
export function pinProblem(pin: string, minLength: number): string | null {
  if (!/^\d+$/.test(pin)) return 'The supervisor PIN is digits only.';
  if (pin.length < minLength || pin.length > MAX_PIN_LENGTH) return `The supervisor PIN is ${minLength} to ${MAX_PIN_LENGTH} digits.`;
  if (isTrivial(pin)) return 'That PIN is too easy to guess (a repeated digit, a run like 123456 or a repeated pattern). Choose another.';
  return null;
}

function isTrivial(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = digits.slice(1).map((d, i) => d - digits[i]!);
  if (steps.every((s) => s === steps[0] && Math.abs(s) <= 1)) return true; // 000000, 123456, 654321
  for (let period = 2; period <= pin.length / 2; period++) {
    if (pin.length % period === 0 && pin === pin.slice(0, period).repeat(pin.length / period)) return true; // 121212, 123123
  }
  return COMMON.has(pin);
}

/** Frequent choices that are not caught by the rules above. */
const COMMON = new Set(['112233', '111222', '123321', '654123', '147258', '159753', '102030', '1122', '1212', '2580', '0852', '1379', '7777']);

export function requireGoodPin(pin: string, minLength: number): void {
  const problem = pinProblem(pin, minLength);
  if (problem) throw new AppError('VALIDATION', problem, { next: [problem] });
}
