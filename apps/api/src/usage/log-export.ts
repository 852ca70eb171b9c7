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
  'completionTokens',
  'totalTokens',
  'costUsd',
  'errorType',
  'errorMessage',
] as const satisfies readonly (keyof RequestLog)[];

export const csvHeader = (): string => `${EXPORT_COLUMNS.join(',')}\r\n`;

export const csvRow = (log: RequestLog): string =>
  `${EXPORT_COLUMNS.map((column) => csvCell(log[column])).join(',')}\r\n`;

export const jsonLine = (log: RequestLog): string => `${JSON.stringify(log)}\n`;
