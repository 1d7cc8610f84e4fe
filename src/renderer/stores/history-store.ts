import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import { FINAL_STATUSES, type PaymentEventView, type PaymentStatus, type PaymentType, type PaymentView, type TotalsRow } from '../../shared/payments';
import { till } from '../bridge';
import { currentTradingDay } from './settings-store';

export interface HistoryFilters {
  from: string;
  to: string;
  status: PaymentStatus | '';
  type: PaymentType | '';
  search: string;
}

interface HistoryState {
  filters: HistoryFilters;
  /** From/To follow today's trading day until the manager picks other days (a till runs for weeks). */
  followToday: boolean;
  page: number;
  pageSize: number;
  items: PaymentView[];
  total: number;
  totals: TotalsRow[];
  detail?: { payment: PaymentView; events: PaymentEventView[] };
  error?: IpcError;
  /** A filter that cannot match (From after To): said on screen instead of asking main. */
  filterProblem?: string;
  loading: boolean;
  /** History is on screen: only then do pushed payments cause reloads. */
  active: boolean;
  setActive(active: boolean): void;
  setFilters(change: Partial<HistoryFilters>): void;
  /** Back to today's trading day (and following it again). */
  showToday(): void;
  setPage(page: number): void;
  load(): Promise<void>;
  open(paymentId: string): Promise<void>;
  closeDetail(): void;
  exportCsv(): Promise<{ filename: string; csv: string } | undefined>;
  receive(update: PaymentView): void;
}

const query = (f: HistoryFilters) => ({
  ...(f.from ? { from: f.from } : {}),
  ...(f.to ? { to: f.to } : {}),
  ...(f.status ? { statuses: [f.status] } : {}),
  ...(f.type ? { types: [f.type] } : {}),
  ...(f.search.trim() ? { search: f.search.trim() } : {}),
});

export const useHistoryStore = create<HistoryState>((set, get) => {
  // One load at a time; changes meanwhile ask for one more afterwards (a busy till pushes many updates).
  let loading: Promise<void> | undefined;
  let again = false;
  async function fetchPage() {
    if (get().followToday) {
      const today = currentTradingDay();
      set({ filters: { ...get().filters, from: today, to: today } });
    }
    const { filters, page, pageSize } = get();
    if (filters.from && filters.to && filters.from > filters.to) {
      set({ filterProblem: 'From is after To, so no day is chosen. Change one of them.', items: [], total: 0, totals: [], loading: false });
      return;
    }
    set({ loading: true, filterProblem: undefined });
    const today = currentTradingDay();
    const [list, totals] = await Promise.all([
      till().listHistory({ ...query(filters), limit: pageSize, offset: page * pageSize }),
      till().getTotals({ from: filters.from || filters.to || today, to: filters.to || filters.from || today }),
    ]);
    set({
      loading: false,
      ...(list.ok ? { items: list.data.items, total: list.data.total, error: undefined } : { error: list.error }),
      ...(totals.ok ? { totals: totals.data.rows } : {}),
    });
  }
  return {
    filters: { from: '', to: '', status: '', type: '', search: '' },
    followToday: true,
    page: 0,
    pageSize: 20,
    items: [],
    total: 0,
    totals: [],
    loading: false,
    active: false,
    setActive(active) {
      set({ active });
      if (active) void get().load();
    },
    setFilters(change) {
      const picksDays = change.from !== undefined || change.to !== undefined;
      set({ filters: { ...get().filters, ...change }, page: 0, ...(picksDays ? { followToday: false } : {}) });
      void get().load();
    },
    showToday() {
      set({ followToday: true, page: 0 });
      void get().load();
    },
    setPage(page) {
      set({ page });
      void get().load();
    },
    async load() {
      if (loading) {
        again = true;
        return loading;
      }
      loading = (async () => {
        do {
          again = false;
          await fetchPage();
        } while (again);
      })().finally(() => (loading = undefined));
      return loading;
    },
    async open(paymentId) {
      const result = await till().getPayment({ paymentId });
      set(result.ok ? { detail: result.data } : { error: result.error });
    },
    closeDetail: () => set({ detail: undefined }),
    async exportCsv() {
      const result = await till().exportHistoryCsv({ ...query(get().filters), limit: 50, offset: 0 });
      if (!result.ok) {
        set({ error: result.error });
        return undefined;
      }
      return result.data;
    },
    /** A payment changed: its row follows; a new one (started while History is open) appears; totals keep up. */
    receive(update) {
      const { items, detail, page, active } = get();
      if (!active) return;
      const known = items.find((p) => p.id === update.id);
      if (known && known.revision < update.revision) set({ items: items.map((p) => (p.id === update.id ? update : p)) });
      if ((!known && page === 0) || (known && FINAL_STATUSES.includes(update.status) && known.status !== update.status)) void get().load();
      if (detail?.payment.id === update.id) void get().open(update.id);
    },
  };
});
