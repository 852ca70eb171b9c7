import type { CSSProperties, HTMLAttributes, ReactNode, TdHTMLAttributes, ThHTMLAttributes } from 'react';
import styles from './table.module.css';

interface TableProps extends HTMLAttributes<HTMLTableElement> {
  /** Names the table for assistive tech; shown above it unless `captionHidden`. */
  caption: ReactNode;
  captionHidden?: boolean;
  /** Tighter rows for dense data such as logs. */
  dense?: boolean;
  /**
   * Below this width (px) of the table's own box (not the window's: the sidebar comes and goes), each
   * row becomes a card: the header row is hidden, a row header (`th` in the body) is the card's title,
   * and each cell shows its `data-label` above its value. Without it the table scrolls sideways.
   */
  stackBelow?: number;
  /** Columns of a card's grid when stacked. */
  stackColumns?: 2 | 3;
  children: ReactNode;
}

/**
 * A data table that scrolls sideways inside its own box on narrow screens instead of
 * widening the page (or stacks its rows as cards, see `stackBelow`). The scroll box is
 * focusable so keyboard users can scroll it too.
 */
export function Table({
  caption,
  captionHidden = false,
  dense = false,
  stackBelow,
  stackColumns = 2,
  className,
  children,
  ...rest
}: TableProps) {
  const stacking = stackBelow !== undefined;
  return (
    <div
      className={stacking ? `${styles.scroll} ${styles.stackBox}` : styles.scroll}
      style={stacking ? ({ '--table-stack-below': `${stackBelow}px` } as CSSProperties) : undefined}
      tabIndex={0}
      role="region"
      aria-label={typeof caption === 'string' ? caption : 'Table'}
    >
      <table
        {...rest}
        className={[
          styles.table,
          dense ? styles.dense : '',
          stacking ? styles.stack : '',
          stacking && stackColumns === 3 ? styles.stack3 : '',
          className,
        ]
          .filter(Boolean)
          .join(' ')}
      >
        <caption className={captionHidden ? 'visually-hidden' : styles.caption}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

type Align = 'start' | 'end' | 'center';

/**
 * Where a cell goes in a stacked row's card: `full` across the whole card; `head` on the first line
 * beside an `end` cell (a title with its actions at the right).
 */
type StackPlace = 'full' | 'head' | 'end';

interface CellProps {
  align?: Align;
  /** Keeps the cell on one line (times, numbers, ids). */
  nowrap?: boolean;
  /** Monospace, for ids and key prefixes. */
  mono?: boolean;
  muted?: boolean;
  stack?: StackPlace;
}

const STACK_CLASS: Record<StackPlace, string | undefined> = {
  full: styles.stackFull,
  head: styles.stackHead,
  end: styles.stackEnd,
};

function cellClass({ align = 'start', nowrap, mono, muted, stack }: CellProps, extra?: string): string {
  return [
    styles[align],
    nowrap ? styles.nowrap : '',
    mono ? styles.mono : '',
    muted ? styles.muted : '',
    stack ? STACK_CLASS[stack] : '',
    extra,
  ]
    .filter(Boolean)
    .join(' ');
}

export function Th({
  align,
  nowrap = true,
  stack,
  className,
  scope = 'col',
  ...rest
}: Omit<ThHTMLAttributes<HTMLTableCellElement>, 'align'> & Omit<CellProps, 'mono' | 'muted'>) {
  return <th {...rest} scope={scope} className={cellClass({ align, nowrap, stack }, className)} />;
}

/** A data cell; its `data-label` names it in a stacked row's card. */
export function Td({
  align,
  nowrap,
  mono,
  muted,
  stack,
  className,
  ...rest
}: Omit<TdHTMLAttributes<HTMLTableCellElement>, 'align'> & CellProps & { 'data-label'?: string }) {
  return <td {...rest} className={cellClass({ align, nowrap, mono, muted, stack }, className)} />;
}

/**
 * A row's buttons and links, at the cell's end on one line in the table (`wrap`: onto more lines when
 * the column is narrow); wrapped and at the start in a stacked card.
 */
export function RowActions({
  wrap = false,
  className,
  ...rest
}: HTMLAttributes<HTMLDivElement> & { wrap?: boolean }) {
  return (
    <div
      {...rest}
      className={[styles.rowActions, wrap ? styles.rowActionsWrap : '', className].filter(Boolean).join(' ')}
    />
  );
}

/**
 * One value on one line, cut to its column (give it a `title` with the whole of it); whole and wrapped
 * in a stacked row's card.
 */
export function CellLine({
  as: Element = 'span',
  className,
  ...rest
}: HTMLAttributes<HTMLElement> & { as?: 'span' | 'code' }) {
  return <Element {...rest} className={className ? `${styles.line} ${className}` : styles.line} />;
}

/** A figure (count, amount, duration): at the cell's end on one line; `label` names it in a stacked card. */
export function FigureTd({
  label,
  ...rest
}: Omit<TdHTMLAttributes<HTMLTableCellElement>, 'align'> & { label: string }) {
  return <Td {...rest} align="end" nowrap data-label={label} />;
}
