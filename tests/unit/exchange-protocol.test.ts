import { describe, expect, it } from 'vitest';
import { FileContentError, parseCommit, parseRequest, readAnswer, requestFileName, serialise, splitProofLine, withProofLine } from '../../src/main/exchange/protocol';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('exchange file contract', () => {
  it('names: <id>.req and <id>.commit only; temporary names are not read; ids are 1-60 of [A-Za-z0-9_-]', () => {
    expect(requestFileName('Order-17_a.req')).toEqual({ id: 'Order-17_a', kind: 'req', valid: true });
    expect(requestFileName('ORDER1.REQ')).toEqual({ id: 'ORDER1', kind: 'req', valid: true });
    expect(requestFileName('A.commit')).toMatchObject({ kind: 'commit', valid: true });
    for (const temp of ['A.tmp', 'A.req.tmp', '.A.req.1234.tmp', 'A.req~', 'A.res']) expect(requestFileName(temp)).toBeNull();
    expect(requestFileName(`${'x'.repeat(61)}.req`)!.valid).toBe(false);
    expect(requestFileName('a b.req')!.valid).toBe(false);
    expect(requestFileName('..req')!.valid).toBe(false);
  });

  it('key=value: CRLF or LF, comments and blank lines, case-insensitive keys, the last line must be complete', () => {
    const { format, request } = parseRequest(bytes('# from the EPOS\r\nTYPE=sale\r\n\r\namount=1250\r\ncurrency=GBP\r\nreference=Table 5\r\nenvironment=sandbox\r\n'));
    expect(format).toBe('kv');
    expect(request).toEqual({ type: 'sale', amount: 1250, currency: 'GBP', reference: 'Table 5', environment: 'sandbox' });
    expect(() => parseRequest(bytes('type=sale\namount=1250'))).toThrow(/line break/);
    expect(() => parseRequest(bytes('type=sale\ntype=refund\n'))).toThrow(/twice/);
    expect(() => parseRequest(bytes('just words\n'))).toThrow(/not key=value/);
    expect(() => parseRequest(bytes(''))).toThrow(/empty/);
  });

  it('refuses amounts that are not whole minor units, unknown keys, and refunds that name two sales', () => {
    const fields = (text: string) => {
      try {
        parseRequest(bytes(text));
      } catch (error) {
        return (error as FileContentError).fields;
      }
      throw new Error('accepted');
    };
    expect(fields('type=sale\namount=12.50\ncurrency=GBP\nreference=x\n')).toHaveProperty('amount');
    expect(fields('type=sale\namount=0\ncurrency=GBP\nreference=x\n')).toHaveProperty('amount');
    expect(fields('type=sale\namount=10000000\ncurrency=GBP\nreference=x\n')).toHaveProperty('amount');
    expect(fields('type=sale\namount=1\ncurrency=USD\nreference=x\n')).toHaveProperty('currency');
    expect(Object.keys(fields('type=sale\namount=1\ncurrency=GBP\nreference=x\ntip=5\n')!)).toEqual(['(input)']);
    expect(fields('type=refund\namount=1\npayment=pay_1\nreference=x\n')).toHaveProperty('payment');
    expect(fields('type=wire\namount=1\n')!['type']![0]).toMatch(/sale, refund or unlinked_refund/);
    // JSON amounts must be numbers or digit strings, never fractions.
    expect(() => parseRequest(bytes('{"type":"sale","amount":12.5,"currency":"GBP","reference":"x"}'))).toThrow(FileContentError);
  });

  it('UTF-16 LE with a byte-order mark and UTF-8 with a BOM are read; other bytes are refused', () => {
    const text = 'type=unlinked_refund\r\namount=5\r\ncurrency=EUR\r\n';
    expect(parseRequest(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])).request).toMatchObject({ type: 'unlinked_refund', currency: 'EUR' });
    expect(parseRequest(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(text)])).request).toMatchObject({ amount: 5 });
    expect(() => parseRequest(Buffer.from([0x61, 0x3d, 0xc3, 0x28, 0x0a]))).toThrow(/not UTF-8/);
  });

  it('answers: one line per value (no line break can forge a key), lists as repeated keys, JSON when asked', () => {
    const text = serialise({ id: 'A', status: 'approved', message: 'one\r\nstatus=declined', training: false, last4: '1013', receipt_customer: ['Shop', '', 'Total 12.50'], nothing: null }, 'kv');
    expect(text).toBe('id=A\r\nstatus=approved\r\nmessage=one status=declined\r\ntraining=no\r\nlast4=1013\r\nreceipt_customer=Shop\r\nreceipt_customer=\r\nreceipt_customer=Total 12.50\r\n');
    // The companion reads its own answers back after a restart.
    expect(readAnswer(Buffer.from(text))).toMatchObject({ status: 'approved', last4: '1013', receipt_customer: ['Shop', '', 'Total 12.50'] });
    expect(JSON.parse(serialise({ id: 'A', total: 1250, training: true }, 'json'))).toEqual({ id: 'A', total: 1250, training: true });
  });

  it('commit: empty, or key=value / JSON with an optional status and note', () => {
    expect(parseCommit(Buffer.alloc(0))).toEqual({});
    expect(parseCommit(bytes('status=approved'))).toEqual({ status: 'approved' });
    expect(parseCommit(bytes('{"note":"recorded"}'))).toEqual({ note: 'recorded' });
    expect(() => parseCommit(bytes('refund=yes\n'))).toThrow(FileContentError);
  });

  it('proof lines: first line of key=value, first member of JSON; removing it gives back exactly what was signed', () => {
    const answer = { id: 'A1', status: 'approved', amount: 1250, receipt_customer: ['£12.50', 'THANK YOU'] };
    for (const format of ['kv', 'json'] as const) {
      const content = serialise(answer, format);
      const file = withProofLine(content, format, 'p'.repeat(43));
      expect(splitProofLine(Buffer.from(file, 'utf8'))).toEqual({ proof: 'p'.repeat(43), content: Buffer.from(content, 'utf8') });
      expect(readAnswer(Buffer.from(file, 'utf8'))).toMatchObject({ status: 'approved' });
      if (format === 'json') expect(Object.keys(JSON.parse(file))[0]).toBe('proof');
    }
    expect(splitProofLine(bytes('id=A1\r\nstatus=approved\r\n'))).toBeNull();
  });
});
