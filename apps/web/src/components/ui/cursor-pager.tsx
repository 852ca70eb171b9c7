'use client';

import { useCallback, useEffect, useState } from 'react';
import { Button } from './button';
import styles from './cursor-pager.module.css';

/** Paging through a keyset-paginated list: the cursors of the pages before the current one. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  const previous = useCallback(() => setCursors((c) => c.slice(0, -1)), []);
  const next = useCallback((cursor: string) => setCursors((c) => [...c, cursor]), []);
  return {
    /** The current page's cursor (undefined on page 1). */
    cursor: cursors.at(-1),
    pageNumber: cursors.length + 1,
    previous,
    next,
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

interface CursorPagerProps {
  /** Accessible name of the page navigation, e.g. "Deployments pages". */
  label: string;
  pages: CursorPages;
  pageSize: number;
  /** The current page as loaded (undefined while the first load runs). */
  page: { data: readonly unknown[]; nextCursor: string | null } | undefined;
  /** The query still shows the previous page while the next one loads. */
  isPlaceholderData: boolean;
}

/**
 * Previous / next buttons under a paginated table, shown only when there is more than one page. Deleting
 * the last row of a later page leaves it empty: the pager then steps back instead of showing nothing.
 */
export function CursorPager({ label, pages, pageSize, page, isPlaceholderData }: CursorPagerProps) {
  const empty = page !== undefined && page.data.length === 0;
  const onLaterPage = pages.pageNumber > 1;
  const { previous } = pages;
  useEffect(() => {
    if (empty && onLaterPage && !isPlaceholderData) previous();
  }, [empty, onLaterPage, isPlaceholderData, previous]);

  if (page === undefined || (!onLaterPage && page.nextCursor === null)) return null;
  const nextCursor = page.nextCursor;
  return (
    <nav className={styles.pager} aria-label={label}>
      <span className={styles.pageInfo}>
        Page {pages.pageNumber} · {pageSize} per page
      </span>
      <div className={styles.pagerButtons}>
        <Button size="sm" variant="secondary" disabled={!onLaterPage} onClick={previous}>
          Previous page
        </Button>
        <Button
          size="sm"
          variant="secondary"
          disabled={!nextCursor || isPlaceholderData}
          onClick={() => {
            if (nextCursor) pages.next(nextCursor);
          }}
        >
          Next page
        </Button>
      </div>
    </nav>
  );
}
