import { csvCell, type RequestLog } from '@switchboard/contracts';

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
  'cachedTokens',
  'completionTokens',
  'totalTokens',
  'costUsd',
  'price',
  'errorType',
  'errorMessage',
] as const satisfies readonly (keyof RequestLog | 'price')[];

/**
 * The price a cost used, readable in a spreadsheet: `gpt-4.1 (custom): input $2; cached input $0.5;
 * output $8 per 1M tokens`; `no price known` when the request was costed at 0 for want of one.
 */
export function priceText(pricing: RequestLog['pricing']): string {
  if (pricing === null) return 'no price known';
  const cached = pricing.cachedInputUsdPerMTokens ?? pricing.inputUsdPerMTokens;
  return `${pricing.model} (${pricing.source}): input $${pricing.inputUsdPerMTokens}; cached input $${cached}; output $${pricing.outputUsdPerMTokens} per 1M tokens`;
}

export const csvHeader = (): string => `${EXPORT_COLUMNS.join(',')}\r\n`;

export const csvRow = (log: RequestLog): string =>
  `${EXPORT_COLUMNS.map((column) => csvCell(column === 'price' ? priceText(log.pricing) : log[column])).join(',')}\r\n`;

export const jsonLine = (log: RequestLog): string => `${JSON.stringify(log)}\n`;
