// The training record's save and load after a month of daily training sales: the record as kept now (finished
// payments of the last 7 days, receipts printed again at load) against the baseline, the same month kept whole
// as the first record did (every sale, receipts in), written the same way (temp file, fsync, rename) in this run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../src/main/files/atomic-write';
import { manualClock } from '../src/simulator/clock';
import { readRecord, RecordKeeper, RECORD_VERSION } from '../src/simulator/record-file';
import { DAY_MS } from '../src/simulator/retention';
import { SimState } from '../src/simulator/state';

const DAYS = 30;
const SALES_PER_DAY = 30;
const SAVES = 15;

/** A month of approved sales on the chip & PIN terminal, one simulated day after another. */
function month(): SimState {
  const state = new SimState(manualClock(), 'sandbox');
  const terminalId = [...state.terminals.values()].find((t) => t.tid === 'VCMTILLSIP0')!.id;
  for (let day = 0; day < DAYS; day++) {
    for (let n = 0; n < SALES_PER_DAY; n++) {
      const intent = state.createIntent({ amount: { value: 1_000 + n, currencyCode: 'GBP' }, reference: `Bench ${day}-${n}`, metadata: { tillPaymentId: `pay_${day}_${n}_0123456789`, tillId: 'till_bench_0123456789' } });
      state.createSession({ terminalId, details: { sessionType: 'Sale', sale: { paymentIntentId: intent.id } } });
      state.clock.advance(60_000);
      state.advance();
    }
    state.clock.advance(DAY_MS);
  }
  return state;
}

/** Mean ms of `fn` over SAVES runs (after one warm-up). */
async function mean(fn: () => Promise<void>): Promise<number> {
  await fn();
  const started = performance.now();
  for (let i = 0; i < SAVES; i++) await fn();
  return (performance.now() - started) / SAVES;
}

function loadMs(file: string): number {
  const started = performance.now();
  for (let i = 0; i < 5; i++) readRecord(file, 'sandbox');
  return (performance.now() - started) / 5;
}

export async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-bench-record-'));
  try {
    const state = month();
    const terminal = [...state.terminals.values()][0]!;
    // Baseline: what the first record wrote on every change (everything, receipts in).
    const wholeFile = path.join(dir, 'whole.json');
    const whole = async () => {
      terminal.updatedAt++; // a change, as every save has
      const body = JSON.stringify({
        environment: state.environment,
        readings: state.readings,
        searchOrder: state.searchOrder,
        terminals: [...state.terminals.values()].map(({ scenario: _s, ...t }) => t),
        intents: [...state.intents.values()],
        sessions: [...state.sessions.values()].map(({ scenario: _s, ...s }) => s),
        refunds: [...state.refunds.values()],
        deferred: state.deferred,
      });
      await writeFileAtomic(wholeFile, `{"version":${RECORD_VERSION},"savedAt":"${new Date().toISOString()}","clock":${state.clock.now()},"state":${body}}`, 0o600);
    };
    const wholeSaveMs = await mean(whole);
    const wholeBytes = fs.statSync(wholeFile).size;
    const wholeLoadMs = loadMs(wholeFile);

    // Now: the keeper as training runs it (prunes at its first save, then once a simulated day).
    const keptFile = path.join(dir, 'kept.json');
    const keeper = new RecordKeeper(keptFile, state);
    keeper.prune();
    const kept = async () => {
      terminal.updatedAt++;
      await keeper.commit();
    };
    const keptSaveMs = await mean(kept);
    const keptBytes = fs.statSync(keptFile).size;
    const keptLoadMs = loadMs(keptFile);
    await keeper.close();

    const result = {
      bench: 'record',
      sales: DAYS * SALES_PER_DAY,
      keptIntents: state.intents.size,
      wholeBytes,
      keptBytes,
      wholeSaveMs: Number(wholeSaveMs.toFixed(1)),
      keptSaveMs: Number(keptSaveMs.toFixed(1)),
      saveRatioVsWholeRecord: Number((keptSaveMs / wholeSaveMs).toFixed(3)),
      wholeLoadMs: Number(wholeLoadMs.toFixed(1)),
      keptLoadMs: Number(keptLoadMs.toFixed(1)),
      loadRatioVsWholeRecord: Number((keptLoadMs / wholeLoadMs).toFixed(3)),
    };
    process.stdout.write(
      `${result.sales} sales over ${DAYS} days: whole record ${(wholeBytes / 1e6).toFixed(2)} MB, save ${result.wholeSaveMs} ms, load ${result.wholeLoadMs} ms\n` +
        `kept record (${result.keptIntents} intents, 7 days, no receipts): ${(keptBytes / 1e6).toFixed(2)} MB, save ${result.keptSaveMs} ms (ratio ${result.saveRatioVsWholeRecord}), load ${result.keptLoadMs} ms (ratio ${result.loadRatioVsWholeRecord})\n`,
    );
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
