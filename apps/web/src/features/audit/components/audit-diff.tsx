'use client';

import { diffSnapshots, type DiffEntry, formatValue } from '../diff';
import styles from './audit.module.css';

const KIND_LABEL = {
  added: 'Added',
  removed: 'Removed',
  changed: 'Changed',
  unchanged: 'Unchanged',
} as const;

/** Before/after of one change: changed fields first, the unchanged ones folded away. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const entries = diffSnapshots(before, after);

  if (!entries) {
    return (
      <div className={styles.rawGrid}>
        <RawBlock title="Before" value={before} />
        <RawBlock title="After" value={after} />
      </div>
    );
  }

  const changed = entries.filter((entry) => entry.kind !== 'unchanged');
  const unchanged = entries.filter((entry) => entry.kind === 'unchanged');

  // A create or a delete has one side only: a field/value list reads better than a diff.
  if (before === null || after === null) {
    const snapshot = before === null ? 'after' : 'before';
    return (
      <div className={styles.diff}>
        <table className={styles.diffTable}>
          <caption className={styles.diffCaption}>
            {snapshot === 'after' ? 'Created with' : 'Deleted, was'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.field} className={styles[entry.kind]}>
                <th scope="row">
                  <code>{entry.field}</code>
                </th>
                <td className={snapshot === 'after' ? styles.after : styles.before}>
                  <pre>{formatValue(entry[snapshot])}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <div className={styles.diff}>
      {changed.length === 0 ? (
        <p className={styles.muted}>No field changed.</p>
      ) : (
        <DiffTable
          entries={changed}
          caption={`${changed.length} ${changed.length === 1 ? 'field' : 'fields'} changed`}
        />
      )}
      {unchanged.length > 0 ? (
        <details className={styles.unchanged}>
          <summary>
            {unchanged.length} unchanged {unchanged.length === 1 ? 'field' : 'fields'}
          </summary>
          <DiffTable entries={unchanged} caption="Unchanged fields" />
        </details>
      ) : null}
    </div>
  );
}

function DiffTable({ entries, caption }: { entries: DiffEntry[]; caption: string }) {
  return (
    <table className={styles.diffTable}>
      <caption className={styles.diffCaption}>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr key={entry.field} className={styles[entry.kind]}>
            <th scope="row">
              <code>{entry.field}</code>
              <span className="visually-hidden"> ({KIND_LABEL[entry.kind]})</span>
            </th>
            <td className={styles.before}>
              {entry.kind === 'added' ? (
                <span className={styles.muted}>—</span>
              ) : (
                <pre>{formatValue(entry.before)}</pre>
              )}
            </td>
            <td className={styles.after}>
              {entry.kind === 'removed' ? (
                <span className={styles.muted}>—</span>
              ) : (
                <pre>{formatValue(entry.after)}</pre>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RawBlock({ title, value }: { title: string; value: unknown }) {
  return (
    <div>
      <p className={styles.rawTitle}>{title}</p>
      <pre className={styles.raw}>{value === null || value === undefined ? '—' : formatValue(value)}</pre>
    </div>
  );
}
