import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLogger, isCardNumber, redact } from '../../src/main/logging/logger';

describe('log redaction', () => {
  it('removes Dojo keys, auth headers and full card numbers', () => {
    const line = redact('key sk_sandbox_abcDEF123456789 header {"Authorization":"Basic sk_prod_zzz999"} pan 4456530000001013 last4 1013');
    expect(line).not.toContain('sk_sandbox_abcDEF123456789');
    expect(line).not.toContain('sk_prod_zzz999');
    expect(line).not.toContain('4456530000001013');
    expect(line).toContain('last4 1013');
  });

  it('removes extra secrets the logger is told about (e.g. the EPOS token)', () => {
    const lines: string[] = [];
    const logger = createLogger((l) => lines.push(l), () => ['epos-token-XYZ-123456']);
    logger.info('request', { auth: 'Bearer epos-token-XYZ-123456' });
    expect(lines.join('\n')).not.toContain('epos-token-XYZ-123456');
  });

  it('hides card numbers written with spaces or dashes, and keeps nearby amounts and last4', () => {
    const line = redact('card 4111 1111 1111 1111 amex 3782-822463-10005 mc 5555-5555-5555-4444 for 1250 pence, last4 1111');
    expect(line).toBe('card [redacted-pan] amex [redacted-pan] mc [redacted-pan] for 1250 pence, last4 1111');
  });

  it('keeps epoch timestamps (s, ms, µs, ns), ISO dates and ids as they are', () => {
    const line = JSON.stringify({ t: 1764000000000, at: '2026-11-25T10:00:00.000Z', s: 1764000000, us: 1764000000123456, ns: '1764000000123456789', id: 'pay_sandbox_4111111111111111x', then: '1764000000000 1250' });
    expect(redact(line)).toBe(line);
  });
});

/** Luhn-valid card numbers of the schemes Dojo takes, with their usual lengths. */
const cardNumber = fc
  .tuple(fc.constantFrom<[string, number]>(['4', 16], ['4', 13], ['4', 19], ['51', 16], ['55', 16], ['2221', 16], ['2720', 16], ['34', 15], ['37', 15], ['36', 14], ['6011', 16], ['65', 16], ['3528', 16], ['62', 19], ['6304', 18], ['50', 17]), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }))
  .map(([[prefix, length], random]) => {
    const body = (prefix + random.join('')).slice(0, length - 1);
    for (let check = 0; check <= 9; check++) if (isCardNumber(body + check)) return body + check;
    throw new Error('no check digit');
  });

/** How people and systems write them: together, in fours with spaces or dashes, or 4-6-5 (Amex). */
const written = fc.tuple(cardNumber, fc.constantFrom('', ' ', '-'), fc.boolean()).map(([pan, separator, amexStyle]) => {
  if (!separator) return { pan, text: pan };
  const groups = amexStyle && pan.length === 15 ? [pan.slice(0, 4), pan.slice(4, 10), pan.slice(10)] : (pan.match(/.{1,4}/g) ?? []);
  return { pan, text: groups.join(separator) };
});

const surroundings = fc.tuple(fc.constantFrom('', 'card ', '{"pan":"', 'PAN=', 'ref-', 'pay_'), fc.constantFrom('', ' ok', '"}', ', amount 1250', '.'));

describe('log redaction (properties)', () => {
  it('no full card number survives, however it is grouped or wrapped', () => {
    fc.assert(
      fc.property(written, surroundings, ({ pan, text }, [before, after]) => {
        const out = redact(`${before}${text}${after}`);
        expect(out.replace(/\D/g, '')).not.toContain(pan);
        expect(out).toContain('[redacted-pan]');
      }),
      { numRuns: 2000, seed: 6 },
    );
  });

  it('epoch timestamps in s, ms (2001–2096), µs and ns (2001–2033) are never touched', () => {
    const ms = fc.integer({ min: 1_000_000_000_000, max: 3_999_999_999_999 });
    const stamp = fc.oneof(
      ms.map(String),
      ms.map((t) => String(Math.floor(t / 1000))),
      fc.tuple(fc.integer({ min: 1_000_000_000_000, max: 1_999_999_999_999 }), fc.integer({ min: 0, max: 999 })).map(([t, extra]) => `${t}${String(extra).padStart(3, '0')}`),
      fc.tuple(fc.integer({ min: 1_000_000_000_000, max: 1_999_999_999_999 }), fc.integer({ min: 0, max: 999_999 })).map(([t, extra]) => `${t}${String(extra).padStart(6, '0')}`),
    );
    fc.assert(
      fc.property(stamp, fc.integer({ min: 0, max: 99_999 }), (t, amount) => {
        for (const line of [JSON.stringify({ t: Number(t), at: t }), `at ${t} ${amount}`, `${amount}-${t}`, `t=${t}`]) expect(redact(line)).toBe(line);
      }),
      { numRuns: 2000, seed: 6 },
    );
  });
});
