import { afterEach, describe, expect, it } from 'vitest';
import { engineHarness, isEnded, type EngineHarness } from '../support/engine-harness';

// What the till says Dojo made of a verdict recorded by hand must be true whenever it is read: History and the
// CSV's Resolution column say the same words (shared/words.ts), and neither claims Dojo was "not asked" once
// the till has asked it. Real engine, real SQLite journal, the simulator over HTTP.

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a verdict Dojo has not settled yet', () => {
  it('after the till has asked Dojo again, the CSV does not say Dojo was not asked', async () => {
    h = await engineHarness({ policy: { graceMs: 2_000 } });
    // Dojo stops answering reads as soon as the sale has started: it needs attention, and stays unsettled.
    h.sim.admin.injectFault({ kind: 'status', status: 503, count: 100_000, method: 'GET' });
    const id = h.engine.startSale({ amount: 1250, currency: 'GBP', terminalId: h.terminal('VCMTILLSIP0'), reference: 'WORDS-1' }).id;
    expect((await h.waitFor(id, (v) => v.status === 'needs_attention' || isEnded(v))).status).toBe('needs_attention');
    await h.engine.resolve(id, 'approved', 'Receipt printed APPROVED', 'Sam');
    // The till asks Dojo about the verdict (Dojo still gives no answer): asked, not settled.
    const asked = await h.waitFor(id, (v) => v.dojoCheck?.lastCheckedAt != null);
    expect(asked.resolution?.dojo).toBe('pending');
    const line = h.engine.exportCsv({ limit: 10, offset: 0 }).split('\r\n').find((l) => l.includes('WORDS-1'));
    expect(line).toMatch(/by hand: approved \(Sam, supervisor PIN, .*\): Receipt printed APPROVED \[Dojo has not settled it yet\]/);
  });
});
