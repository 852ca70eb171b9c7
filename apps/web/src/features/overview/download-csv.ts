import { csvDocument } from '@switchboard/contracts';

/**
 * Saves a table as a CSV file in the browser. Cells go through the shared `csvCell`, so text a
 * spreadsheet would run as a formula (an end user named `=HYPERLINK(…)`) arrives as text.
 */
export function downloadCsv(
  filename: string,
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): void {
  // A byte-order mark makes Excel read the file as UTF-8 (names with accents, CJK end users).
  const blob = new Blob(['\ufeff', csvDocument(header, rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the click; the URL can go once the event loop moves on.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `switchboard-overview-key-24h-2026-12-05T21-00-00Z.csv` */
export function csvFilename(what: string, range: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return `switchboard-overview-${what}-${range}-${stamp}.csv`;
}
