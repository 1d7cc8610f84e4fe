/**
 * One CSV cell (RFC 4180), safe against spreadsheet formula injection: a text cell starting with = + - @ is kept
 * as text (a plain negative number such as -3.00 is left as it is).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string' && !/^-\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows -> CSV text with CRLF line ends. */
export const csvOf = (rows: readonly (readonly unknown[])[]): string => rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
