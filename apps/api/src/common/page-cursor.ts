import { AdminError } from './errors';

/**
 * Opaque cursors for `{ data, nextCursor }` lists: base64url of the last item's sort key. Clients pass
 * them back unchanged; anything else is a 400, never a 500.
 */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'k' in parsed && typeof parsed.k === 'string')
      return parsed.k;
  } catch {
    // fall through to the 400 below
  }
  throw invalidCursor();
}

export function invalidCursor(): AdminError {
  return new AdminError(
    400,
    'validation_failed',
    'Invalid request: cursor: is not a cursor this API returned',
    [{ path: 'cursor', message: 'is not a cursor this API returned' }],
  );
}

/** Takes `limit` rows out of `limit + 1` fetched and says where the next page starts. */
export function pageFrom<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => string,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: encodeCursor(keyOf(page[page.length - 1])) };
}
