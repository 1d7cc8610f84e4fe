import path from 'node:path';
import { RECORD_KEEPS_DAYS, recordKeptFrom, type RecordLoad, type SimClock } from '../../simulator';
import type { TrainingRecordKeeps } from '../reports/reconciler';
import { keyWords } from '../payments/messages';

/** The training simulator's record of Dojo (intents, sessions, refunds) in the data folder, next to journal-training.sqlite. */
export const TRAINING_RECORD_FILE = 'training-simulator.json';

export const trainingRecordPath = (dataDir: string): string => path.join(dataDir, TRAINING_RECORD_FILE);

/** What the cashier is told when the training record could not be used (null when it was, or there was none yet). */
export function trainingRecordNotice(load: RecordLoad): string | null {
  if (load.kind !== 'setAside') return null;
  return keyWords.trainingRecordSetAside(load.why === 'newer', load.keptAs ? path.basename(load.keptAs) : null);
}

/**
 * What training reconciliation is told the record keeps. The simulator's clock is never behind the till's, so a
 * payment the record let go was started before this time by the till's clock too.
 */
export const trainingRecordKeeps = (clock: SimClock): TrainingRecordKeeps => ({ keepsDays: RECORD_KEEPS_DAYS, keptFrom: () => recordKeptFrom(clock.now()) });
