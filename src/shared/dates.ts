/** A day as YYYY-MM-DD in the till's own time zone (history filters, day totals, per-day idempotency). */
export function localDay(date: Date | number = new Date()): string {
  const d = new Date(date);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
