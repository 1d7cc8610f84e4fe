import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator';
import { dojo } from '../support/dojo-http';

let sim: Simulator;
const admin = async (method: string, route: string, body?: unknown) => {
  const response = await fetch(`${sim.url}/__sim${route}`, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as any };
};
const search = (body: unknown) => dojo(sim.url, { method: 'POST', path: '/payment-intents/search', body });

/** Every page of a search, following `after` until Dojo stops giving one. */
async function allPages(filter: Record<string, unknown> = {}, limit = 100) {
  const ids: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const { status, body } = await search({ ...filter, cursor: { limit, ...(after ? { after } : {}) } });
    expect(status).toBe(200);
    pages++;
    ids.push(...body.data.map((i: { id: string }) => i.id));
    if (!body.after) return { ids, pages };
    after = body.after;
  }
}

beforeAll(async () => {
  sim = await startSimulator({ clock: 'manual' });
  // 250 intents a second apart: 230 charged, 20 still Created.
  for (let i = 0; i < 250; i++) {
    sim.admin.injectIntent({ amount: { value: 100 + i, currencyCode: 'GBP' }, reference: `R${i}`, status: i % 25 === 0 ? 'Created' : 'Captured', metadata: { tillPaymentId: `pay_${i}`, tillId: 'till_0000000000000001' } });
    sim.admin.advance(1_000);
  }
});
afterAll(() => sim.close());

describe('simulator: search over many intents with paging', () => {
  it('pages of at most 100 (Dojo\'s maximum), every intent exactly once, in either order', async () => {
    for (const order of ['oldest', 'newest'] as const) {
      expect((await admin('PUT', '/search-order', { order })).body).toEqual({ order });
      const { ids, pages } = await allPages();
      expect(pages).toBe(3);
      expect(new Set(ids).size).toBe(250);
      const first = sim.admin.snapshot().intents.find((i) => i.id === ids[0])!;
      expect(first.reference).toBe(order === 'oldest' ? 'R0' : 'R249');
    }
    await admin('PUT', '/search-order', { order: 'oldest' });
    expect((await search({ cursor: { limit: 101 } })).status).toBe(400);
  });

  it('filters by date range and status; `before` pages backwards; both cursors at once are refused', async () => {
    const start = Date.parse('2026-11-25T09:00:00.000Z');
    const window = { startDate: new Date(start + 100_000).toISOString(), endDate: new Date(start + 149_000).toISOString() };
    expect((await allPages(window, 20)).ids).toHaveLength(50);
    expect((await allPages({ statuses: ['Created'] })).ids).toHaveLength(10);
    const second = (await search({ cursor: { limit: 10, after: (await search({ cursor: { limit: 10 } })).body.after } })).body;
    const back = (await search({ cursor: { limit: 10, before: second.data[0].id } })).body;
    expect(back.data.map((i: { reference: string }) => i.reference)).toEqual(Array.from({ length: 10 }, (_, i) => `R${i}`));
    expect((await search({ cursor: { before: back.data[0].id, after: second.data[0].id } })).status).toBe(400);
  });

  it('admin: an intent taken outside the companion, and Dojo\'s record amended, as Dojo would show them', async () => {
    const outside = await admin('POST', '/intents', { amount: { value: 2500, currencyCode: 'GBP' }, tipsAmount: 250, cashbackAmount: 500, reference: 'Keypad sale' });
    expect(outside.status).toBe(200);
    expect(outside.body).toMatchObject({ status: 'Captured', metadata: null, totalAmount: { value: 3250 }, tipsAmount: { value: 250 }, cashbackAmount: { value: 500 } });
    expect(outside.body.paymentDetails.card.cardType).toBe('VISA');
    const amended = await admin('PATCH', `/intents/${outside.body.id}`, { status: 'Reversed', refundedAmount: 0 });
    expect(amended.body.status).toBe('Reversed');
    expect((await dojo(sim.url, { path: `/payment-intents/${outside.body.id}` })).body.status).toBe('Reversed');
    expect((await admin('PATCH', '/intents/pi_sandbox_nope', { status: 'Captured' })).status).toBe(404);
    expect((await admin('POST', '/intents', { amount: { value: 1, currencyCode: 'USD' } })).status).toBe(400);
    expect((await admin('POST', '/intents', { amount: { value: 1, currencyCode: 'GBP' }, colour: 'red' })).status).toBe(400);
  });
});
