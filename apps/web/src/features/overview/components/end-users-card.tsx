'use client';

import type { EndUserList } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Card, Skeleton } from '@/components/ui';
import { formatCount, formatInteger, formatPercent, formatUsd } from '@/components/ui/format';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { FigureTd, Table, Td, Th } from '@/components/ui/table';
import { TIME_RANGE_SPECS } from '@/components/ui/time-range';
import { QueryErrorState } from '@/components/ui/query-error-state';
import type { EndUserSort } from '../api';
import { csvFilename, downloadCsv } from '../download-csv';
import { hasStatsFilter, type OverviewFilters, statsFilter } from '../filters';
import { endUsersQueryOptions, TOP_END_USERS } from '../queries';
import styles from './overview.module.css';

const SORT_OPTIONS = [
  { value: 'requests', label: 'By requests' },
  { value: 'cost', label: 'By spend' },
] as const satisfies readonly { value: EndUserSort; label: string }[];

const COLUMNS = ['Requests', 'Share', 'Spend (USD)', 'Tokens', 'Errors', 'Keys'];

const hourFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** The keys an end user's requests came with: up to five by name, then how many more. */
function keysText(user: EndUserList['endUsers'][number]): string {
  if (user.keyCount === 0) return 'master key';
  const names = user.keys.map((k) => k.label).join(', ');
  const more = user.keyCount - user.keys.length;
  return more > 0 ? `${names} +${more} more` : names;
}

/**
 * The end users (the `user` field Dify and other apps send with each request) with the most requests or
 * spend. Counted per whole hour: the card says which hours it covers.
 */
export function EndUsersCard({ filters }: { filters: OverviewFilters }) {
  const [sort, setSort] = useState<EndUserSort>('requests');
  const query = useQuery(endUsersQueryOptions(filters.range, statsFilter(filters), sort));
  const phrase = TIME_RANGE_SPECS[filters.range].phrase;
  const data = query.data;

  return (
    <Card padding="none" className={styles.distribution} aria-labelledby="end-users-heading">
      <header className={styles.distributionHeader}>
        <div>
          <h2 id="end-users-heading" className={styles.sectionTitle}>
            Top end users
          </h2>
          <p className={styles.sectionDescription}>
            The {TOP_END_USERS} end users (the request&apos;s <code>user</code> field, e.g. from Dify) with
            the most {sort === 'cost' ? 'spend' : 'requests'}
            {hasStatsFilter(filters) ? ' (filtered)' : ''}. Counted per hour
            {data ? (
              <>
                {': '}
                <span data-testid="end-users-window">
                  {hourFormat.format(new Date(data.from))} – {hourFormat.format(new Date(data.to))}
                </span>
              </>
            ) : null}
            .
          </p>
        </div>
      </header>

      <div className={styles.cardTools}>
        <SegmentedControl label="Sort end users" options={SORT_OPTIONS} value={sort} onChange={setSort} />
        <Button
          size="sm"
          variant="secondary"
          disabled={!data || data.endUsers.length === 0}
          onClick={() => data && downloadEndUsersCsv(data, filters.range)}
        >
          Download CSV
        </Button>
      </div>

      {query.isError && !data ? (
        <div className={styles.distributionBody}>
          <QueryErrorState title="Could not load the top end users" query={query} />
        </div>
      ) : !data ? (
        <div className={styles.distributionBody} aria-busy="true">
          <span className="visually-hidden" role="status">
            Loading end users
          </span>
          <Skeleton height={120} radius="md" />
        </div>
      ) : data.endUsers.length === 0 ? (
        <div className={styles.distributionBody}>
          <div className={styles.emptyChart}>
            <p className={styles.emptyTitle}>No end users in the {phrase}</p>
            <p className={styles.emptyText}>
              Requests that carry a <code>user</code> field (Dify sends the chatting user&apos;s id) are
              counted here per end user.
            </p>
          </div>
        </div>
      ) : (
        <>
          <p className={styles.tableNote}>
            {formatInteger(data.endUserCount)} end {data.endUserCount === 1 ? 'user' : 'users'},{' '}
            {formatInteger(data.requests)} requests, {formatUsd(data.costUsd)}
          </p>
          <Table
            caption="Top end users"
            captionHidden
            stackBelow={720}
            stackColumns={3}
            className={styles.distributionTable}
          >
            <thead>
              <tr>
                <Th>End user</Th>
                {COLUMNS.map((title) => (
                  <Th key={title} align={title === 'Keys' ? 'start' : 'end'}>
                    {title}
                  </Th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.endUsers.map((user) => (
                <tr key={user.endUser}>
                  <Th scope="row" nowrap={false} className={styles.groupCell}>
                    <span className={styles.groupLabel}>{user.endUser}</span>
                  </Th>
                  <FigureTd label="Requests">{formatInteger(user.requests)}</FigureTd>
                  <FigureTd label="Share">{formatPercent(user.share)}</FigureTd>
                  <FigureTd label="Spend (USD)">{formatUsd(user.costUsd)}</FigureTd>
                  <FigureTd label="Tokens">{formatCount(user.totalTokens)}</FigureTd>
                  <FigureTd label="Errors" className={user.errors > 0 ? styles.errorText : undefined}>
                    {formatInteger(user.errors)}
                  </FigureTd>
                  <Td data-label="Keys" stack="full" className={styles.keysCell}>
                    {keysText(user)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </Card>
  );
}

/** The end users as listed, with exact numbers and every key shown. */
function downloadEndUsersCsv(data: EndUserList, range: string): void {
  downloadCsv(
    csvFilename('end-users', range),
    ['End user', 'Requests', 'Share', 'Spend (USD)', 'Tokens', 'Errors', 'Key count', 'Keys', 'From', 'To'],
    data.endUsers.map((u) => [
      u.endUser,
      u.requests,
      u.share,
      u.costUsd,
      u.totalTokens,
      u.errors,
      u.keyCount,
      u.keys.map((k) => k.label).join('; '),
      data.from,
      data.to,
    ]),
  );
}
