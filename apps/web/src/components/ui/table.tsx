import type { HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import styles from './table.module.css';

interface TableProps extends HTMLAttributes<HTMLTableElement> {
  /** Names the table for assistive tech; shown above it unless `captionHidden`. */
  caption: ReactNode;
  captionHidden?: boolean;
  /** Tighter rows for dense data such as logs. */
  dense?: boolean;
  children: ReactNode;
}

/**
 * A data table that scrolls sideways inside its own box on narrow screens instead of
 * widening the page. The scroll box is focusable so keyboard users can scroll it too.
 */
export function Table({
  caption,
  captionHidden = false,
  dense = false,
  className,
  children,
  ...rest
}: TableProps) {
  return (
    <div
      className={styles.scroll}
      tabIndex={0}
      role="region"
      aria-label={typeof caption === 'string' ? caption : 'Table'}
    >
      <table
        {...rest}
        className={[styles.table, dense ? styles.dense : '', className].filter(Boolean).join(' ')}
      >
        <caption className={captionHidden ? 'visually-hidden' : styles.caption}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

type Align = 'start' | 'end' | 'center';

interface CellProps {
  align?: Align;
  /** Keeps the cell on one line (times, numbers, ids). */
  nowrap?: boolean;
  /** Monospace, for ids and key prefixes. */
  mono?: boolean;
  muted?: boolean;
}

function cellClass({ align = 'start', nowrap, mono, muted }: CellProps, extra?: string): string {
  return [
    styles[align],
    nowrap ? styles.nowrap : '',
    mono ? styles.mono : '',
    muted ? styles.muted : '',
    extra,
  ]
    .filter(Boolean)
    .join(' ');
}

export function Th({
  align,
  nowrap = true,
  className,
  scope = 'col',
  ...rest
}: Omit<ThHTMLAttributes<HTMLTableCellElement>, 'align'> & CellProps) {
  return <th {...rest} scope={scope} className={cellClass({ align, nowrap }, className)} />;
}

export function Td({
  align,
  nowrap,
  mono,
  muted,
  className,
  ...rest
}: Omit<TdHTMLAttributes<HTMLTableCellElement>, 'align'> & CellProps) {
  return <td {...rest} className={cellClass({ align, nowrap, mono, muted }, className)} />;
}
