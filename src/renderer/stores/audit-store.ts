import { create } from 'zustand';
import type { AuditEntryView } from '../../shared/audit';
import type { IpcError } from '../../shared/errors';
import { till } from '../bridge';

interface AuditState {
  entries: AuditEntryView[];
  /** False when the hash chain of what was read is broken (an entry changed or removed outside the app). */
  intact: boolean;
  /** Whether older entries may remain. */
  more: boolean;
  error?: IpcError;
  load(): Promise<void>;
  loadMore(): Promise<void>;
}

const PAGE = 50;

/** The audit of supervisor actions (read-only: nothing on screen can change it). */
export const useAuditStore = create<AuditState>((set, get) => ({
  entries: [],
  intact: true,
  more: false,
  async load() {
    const result = await till().listAudit({ limit: PAGE });
    set(result.ok ? { entries: result.data.entries, intact: result.data.intact, more: result.data.entries.length === PAGE, error: undefined } : { error: result.error });
  },
  async loadMore() {
    const last = get().entries.at(-1);
    if (!last) return;
    const result = await till().listAudit({ limit: PAGE, before: last.id });
    if (result.ok) set({ entries: [...get().entries, ...result.data.entries], intact: get().intact && result.data.intact, more: result.data.entries.length === PAGE });
    else set({ error: result.error });
  },
}));
