/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
 * the start: log text and end-user names are partly written by whoever sent the request) gets a leading
 * apostrophe, as OWASP's CSV-injection advice says. Numbers are written as they are (a negative number
 * stays a number).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (CRLF-terminated) of `cells`. */
export const csvLine = (cells: readonly unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** A whole CSV document: the header line, then one line per row. */
export const csvDocument = (header: readonly string[], rows: readonly (readonly unknown[])[]): string =>
  csvLine(header) + rows.map(csvLine).join('');
