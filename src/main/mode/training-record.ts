import path from 'node:path';
import type { RecordLoad } from '../../simulator';

/** The training simulator's record of Dojo (intents, sessions, refunds) in the data folder, next to journal-training.sqlite. */
export const TRAINING_RECORD_FILE = 'training-simulator.json';

export const trainingRecordPath = (dataDir: string): string => path.join(dataDir, TRAINING_RECORD_FILE);

/** What the cashier is told when the training record could not be used (null when it was, or there was none yet). */
export function trainingRecordNotice(load: RecordLoad): string | null {
  if (load.kind !== 'setAside') return null;
  const kept = load.keptAs ? ` The old file was kept as ${path.basename(load.keptAs)}.` : ' The old file could not be moved aside, so training is not kept after the app closes this time.';
  const why = load.why === 'newer' ? 'was written by a newer version of the app' : 'could not be read';
  return `The training record ${why}, so training starts afresh: earlier training payments are not on the training terminal's record.${kept}`;
}
