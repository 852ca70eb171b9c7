export type DiffKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffEntry {
  field: string;
  kind: DiffKind;
  before: unknown;
  after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A field-by-field comparison of two audit snapshots (shallow: nested values are compared
 * as JSON). A create has no `before`, a delete no `after`.
 */
export function diffSnapshots(before: unknown, after: unknown): DiffEntry[] | null {
  const b = before ?? {};
  const a = after ?? {};
  if (!isRecord(b) || !isRecord(a)) return null;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields.map((field) => {
    const inBefore = before !== null && before !== undefined && field in b;
    const inAfter = after !== null && after !== undefined && field in a;
    const kind: DiffKind = !inBefore
      ? 'added'
      : !inAfter
        ? 'removed'
        : same(b[field], a[field])
          ? 'unchanged'
          : 'changed';
    return { field, kind, before: b[field], after: a[field] };
  });
}

/** A snapshot value as short readable text. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return (
    JSON.stringify(value, null, Array.isArray(value) || isRecord(value) ? 2 : undefined) ?? String(value)
  );
}
