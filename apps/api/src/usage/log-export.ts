import type { RequestLog } from '@switchboard/contracts';

/** The exported columns, in order (the CSV header). */
export const EXPORT_COLUMNS = [
  'createdAt',
  'requestId',
  'route',
  'status',
  'modelGroup',
  'deploymentName',
  'deploymentId',
  'projectId',
  'keyId',
  'endUser',
  'stream',
  'attemptCount',
  'latencyMs',
  'ttftMs',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'costUsd',
  'errorType',
  'errorMessage',
] as const satisfies readonly (keyof RequestLog)[];

/**
 * One CSV cell (RFC 4180 quoting). Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
 * the start: an error message is partly written by whoever sent the request) gets a leading apostrophe, as
 * OWASP's CSV-injection advice says.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvHeader = (): string => `${EXPORT_COLUMNS.join(',')}\r\n`;

export const csvRow = (log: RequestLog): string =>
  `${EXPORT_COLUMNS.map((column) => csvCell(log[column])).join(',')}\r\n`;

export const jsonLine = (log: RequestLog): string => `${JSON.stringify(log)}\n`;
