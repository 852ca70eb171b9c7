/**
 * Classifies errors thrown by Prisma (pg adapter) or pg itself, wherever the interesting part is nested:
 * Prisma wraps the adapter's error (`meta.driverAdapterError.cause.kind`), which wraps pg's (`code`).
 */
export type DatabaseErrorClass = 'unavailable' | 'bad_data';

/** Socket errors, Prisma connection codes and SQLSTATEs that mean "the database is away", not "bad query". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'P1001', // can't reach database server
  'P1002', // timed out
  'P1008', // operation timed out
  'P1017', // server closed the connection
  'P2024', // timed out fetching a connection from the pool
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);
/** Prisma's codes for values PostgreSQL cannot store (too long, out of range, wrong shape). */
const BAD_DATA_CODES = new Set(['P2000', 'P2006', 'P2007', 'P2020', 'P2023', 'P2033']);
const BAD_DATA_KINDS = new Set([
  'InvalidInputValue',
  'ValueOutOfRange',
  'LengthMismatch',
  'InconsistentColumnData',
]);
/** pg's and pg-pool's own wording when the connection goes away (no code on these). */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Can't reach database server|terminating connection due to administrator command/i;

/** The `code`, `originalCode` and `kind` strings anywhere in the error's cause chain (bounded walk). */
function collect(err: unknown, out: { codes: string[]; kinds: string[]; messages: string[] }, depth: number) {
  if (depth > 5 || typeof err !== 'object' || err === null) return;
  const e = err as Record<string, unknown>;
  for (const key of ['code', 'originalCode']) if (typeof e[key] === 'string') out.codes.push(e[key]);
  if (typeof e.kind === 'string') out.kinds.push(e.kind);
  if (typeof e.message === 'string') out.messages.push(e.message);
  collect(e.cause, out, depth + 1);
  collect(e.meta, out, depth + 1);
  collect(e.driverAdapterError, out, depth + 1);
}

export function classifyDatabaseError(err: unknown): DatabaseErrorClass | null {
  const found = { codes: [] as string[], kinds: [] as string[], messages: [] as string[] };
  collect(err, found, 0);
  // SQLSTATE class 22 = data exception (NUL byte 22021, out of range 22003, bad text 22P02...).
  if (found.codes.some((c) => BAD_DATA_CODES.has(c) || /^22[0-9A-Z]{3}$/.test(c))) return 'bad_data';
  if (found.kinds.some((k) => BAD_DATA_KINDS.has(k))) return 'bad_data';
  if (found.codes.some((c) => UNAVAILABLE_CODES.has(c))) return 'unavailable';
  if (found.kinds.some((k) => UNAVAILABLE_KINDS.has(k))) return 'unavailable';
  if (found.messages.some((m) => UNAVAILABLE_MESSAGE.test(m))) return 'unavailable';
  return null;
}
