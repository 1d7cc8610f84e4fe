import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { PaymentEventView, PaymentStatus, PaymentType, PaymentView, TotalsRow } from '../../shared/payments';
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
  loading: boolean;
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

export const useHistoryStore = create<HistoryState>((set, get) => ({
  filters: { from: '', to: '', status: '', type: '', search: '' },
  followToday: true,
  page: 0,
  pageSize: 20,
  items: [],
  total: 0,
  totals: [],
  loading: false,
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
    if (get().followToday) {
      const today = currentTradingDay();
      set({ filters: { ...get().filters, from: today, to: today } });
    }
    const { filters, page, pageSize } = get();
    set({ loading: true });
    const today = currentTradingDay();
    const [list, totals] = await Promise.all([
      till().listHistory({ ...query(filters), limit: pageSize, offset: page * pageSize }),
      till().getTotals({ from: filters.from || today, to: filters.to || filters.from || today }),
    ]);
    set({
      loading: false,
      ...(list.ok ? { items: list.data.items, total: list.data.total, error: undefined } : { error: list.error }),
      ...(totals.ok ? { totals: totals.data.rows } : {}),
    });
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
  receive(update) {
    const { items, detail } = get();
    if (items.some((p) => p.id === update.id)) set({ items: items.map((p) => (p.id === update.id ? update : p)) });
    if (detail?.payment.id === update.id) void get().open(update.id);
  },
}));
