import { create } from 'zustand';
import type { IpcError } from '../../shared/errors';
import type { PaymentEventView, PaymentStatus, PaymentType, PaymentView, TotalsRow } from '../../shared/payments';
import { till } from '../bridge';
import { localDay } from '../lib/format';

export interface HistoryFilters {
  from: string;
  to: string;
  status: PaymentStatus | '';
  type: PaymentType | '';
  search: string;
}

interface HistoryState {
  filters: HistoryFilters;
  page: number;
  pageSize: number;
  items: PaymentView[];
  total: number;
  totals: TotalsRow[];
  detail?: { payment: PaymentView; events: PaymentEventView[] };
  error?: IpcError;
  loading: boolean;
  setFilters(change: Partial<HistoryFilters>): void;
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
  filters: { from: localDay(), to: localDay(), status: '', type: '', search: '' },
  page: 0,
  pageSize: 20,
  items: [],
  total: 0,
  totals: [],
  loading: false,
  setFilters(change) {
    set({ filters: { ...get().filters, ...change }, page: 0 });
    void get().load();
  },
  setPage(page) {
    set({ page });
    void get().load();
  },
  async load() {
    const { filters, page, pageSize } = get();
    set({ loading: true });
    const [list, totals] = await Promise.all([
      till().listHistory({ ...query(filters), limit: pageSize, offset: page * pageSize }),
      till().getTotals({ from: filters.from || localDay(), to: filters.to || filters.from || localDay() }),
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
