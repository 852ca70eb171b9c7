'use client';

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { Button, buttonClassName, Card, EmptyState, Skeleton } from '@/components/ui';
import { formatCount, formatDateTime, formatMs, formatTimestamp, formatUsd } from '@/components/ui/format';
import { LogsIcon } from '@/components/ui/icons';
import { CellLine, FigureTd, Table, Td, Th } from '@/components/ui/table';
import { QueryErrorState } from '@/components/ui/query-error-state';
import { keyOptionsQueryOptions } from '@/features/keys/queries';
import { projectOptionsQueryOptions } from '@/features/projects/queries';
import {
  DEFAULT_LOG_RANGE,
  hasActiveFilters,
  type LogFilters,
  logFiltersToSearch,
  logsFrom,
  parseLogFilters,
} from '../filters';
import { logExportUrl } from '../api';
import { logListQueryOptions } from '../queries';
import { LogFiltersBar } from './log-filters-bar';
import { StatusBadge } from './status-badge';
import styles from './logs.module.css';

/** Related values share a column (two lines), so the whole table fits a laptop's width. */
const COLUMNS = [
  { label: 'Time', col: styles.colTime },
  { label: 'Project / key' },
  { label: 'Model group / deployment' },
  { label: 'Status', col: styles.colStatus },
  { label: 'Latency', col: styles.colLatency, numeric: true },
  { label: 'Tokens', col: styles.colTokens, numeric: true },
  { label: 'Cost (USD)', col: styles.colCost, numeric: true },
] as const satisfies readonly { label: string; col?: string; numeric?: boolean }[];
const SKELETON_ROWS = 8;

/** Server-paged request logs with filters kept in the URL; each row opens the request's detail. */
export function LogsView() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filters = useMemo(
    () => parseLogFilters(new URLSearchParams(searchParams.toString())),
    [searchParams],
  );

  const logs = useInfiniteQuery(logListQueryOptions(filters));
  const projects = useQuery(projectOptionsQueryOptions());
  const keys = useQuery(keyOptionsQueryOptions());

  const projectNames = useMemo(
    () => new Map((projects.data ?? []).map((p) => [p.id, p.name])),
    [projects.data],
  );
  const keyNames = useMemo(
    () => new Map((keys.data ?? []).map((k) => [k.id, k.alias ?? k.prefix])),
    [keys.data],
  );

  const setFilters = (next: LogFilters) => {
    router.replace(`${pathname}${logFiltersToSearch(next)}` as Route, { scroll: false });
  };

  const rows = logs.data?.pages.flatMap((page) => page.data) ?? [];
  const detailSearch = searchParams.toString();

  return (
    <div className={styles.page}>
      <Card className={styles.filterCard}>
        <LogFiltersBar
          filters={filters}
          onChange={setFilters}
          onReset={() => setFilters({ range: DEFAULT_LOG_RANGE })}
        />
      </Card>

      <div className={styles.listHeader}>
        <p className={styles.count} aria-live="polite">
          {logs.data
            ? `${rows.length}${logs.hasNextPage ? '+' : ''} ${rows.length === 1 ? 'request' : 'requests'}, newest first`
            : '\u00a0'}
        </p>
        <div className={styles.listActions}>
          {/* The range as listed: the first page's `from`, so the file matches what is on screen. */}
          <a
            className={buttonClassName({ size: 'sm', variant: 'ghost' })}
            href={logExportUrl(filters, 'csv', logs.data?.pages[0]?.from ?? logsFrom(filters.range))}
            download
          >
            Export CSV
          </a>
          <a
            className={buttonClassName({ size: 'sm', variant: 'ghost' })}
            href={logExportUrl(filters, 'jsonl', logs.data?.pages[0]?.from ?? logsFrom(filters.range))}
            download
          >
            JSONL
          </a>
          <Button
            size="sm"
            onClick={() => void logs.refetch()}
            loading={logs.isRefetching && !logs.isFetchingNextPage}
          >
            Refresh
          </Button>
        </div>
      </div>

      {logs.isError && !logs.data ? (
        <QueryErrorState title="Could not load request logs" query={logs} />
      ) : logs.isPending ? (
        <Card padding="none" className={styles.tableCard} aria-busy="true">
          <span className="visually-hidden" role="status">
            Loading request logs
          </span>
          <LogsTable inert>
            {Array.from({ length: SKELETON_ROWS }, (_, row) => (
              <tr key={row}>
                {COLUMNS.map((column) => {
                  const numeric = 'numeric' in column;
                  return (
                    <Td key={column.label} align={numeric ? 'end' : 'start'}>
                      <Skeleton
                        width={numeric ? 48 : 96}
                        height={12}
                        className={numeric ? styles.skeletonEnd : undefined}
                      />
                    </Td>
                  );
                })}
              </tr>
            ))}
          </LogsTable>
        </Card>
      ) : rows.length === 0 ? (
        <EmptyState
          icon={<LogsIcon size={22} />}
          title={hasActiveFilters(filters) ? 'No requests match these filters' : 'No requests yet'}
          description={
            hasActiveFilters(filters)
              ? 'Widen the time range or clear a filter.'
              : 'Requests sent through the gateway with a virtual key appear here within a few seconds.'
          }
          actions={
            hasActiveFilters(filters) ? (
              <Button onClick={() => setFilters({ range: DEFAULT_LOG_RANGE })}>Clear all filters</Button>
            ) : (
              <Link href="/projects">Issue a key under Projects &amp; keys</Link>
            )
          }
        />
      ) : (
        <Card padding="none" className={styles.tableCard}>
          <LogsTable>
            {rows.map((log) => (
              <tr key={log.id}>
                <Td stack="full">
                  <Link
                    href={`/logs/${log.id}${detailSearch ? `?${detailSearch}` : ''}` as Route}
                    className={styles.timeLink}
                    title={formatDateTime(log.createdAt)}
                    aria-label={`View request from ${formatDateTime(log.createdAt)}`}
                  >
                    <time dateTime={log.createdAt}>{formatTimestamp(log.createdAt)}</time>
                  </Link>
                </Td>
                <Td data-label="Project / key">
                  <Line
                    text={log.projectId ? (projectNames.get(log.projectId) ?? shortId(log.projectId)) : null}
                  />
                  <Line text={log.keyId ? (keyNames.get(log.keyId) ?? shortId(log.keyId)) : null} sub />
                </Td>
                <Td data-label="Model group / deployment">
                  <CellLine as="code" className={styles.code} title={log.modelGroup}>
                    {log.modelGroup}
                  </CellLine>
                  <Line text={log.deploymentName} sub />
                </Td>
                <Td data-label="Status">
                  <span className={styles.statusCell}>
                    <StatusBadge status={log.status} />
                    {log.errorType ? (
                      <span className={styles.errorKind} title={log.errorMessage ?? log.errorType}>
                        {log.errorType}
                      </span>
                    ) : log.attemptCount > 1 ? (
                      <span
                        className={styles.retried}
                        title={`${log.attemptCount} attempts: the router retried or failed over`}
                      >
                        {log.attemptCount} attempts
                      </span>
                    ) : null}
                  </span>
                </Td>
                <FigureTd label="Latency">{formatMs(log.latencyMs)}</FigureTd>
                <FigureTd label="Tokens" title={`${log.promptTokens} in, ${log.completionTokens} out`}>
                  {formatCount(log.totalTokens)}
                </FigureTd>
                <FigureTd label="Cost">{formatUsd(log.costUsd)}</FigureTd>
              </tr>
            ))}
          </LogsTable>
          <div className={styles.loadMore}>
            {logs.hasNextPage ? (
              <Button onClick={() => void logs.fetchNextPage()} loading={logs.isFetchingNextPage}>
                Load more
              </Button>
            ) : (
              <p className={styles.muted}>
                End of the list{filters.range === 'all' ? '' : ' for this time range'}.
              </p>
            )}
          </div>
        </Card>
      )}
    </div>
  );
}

function shortId(id: string): string {
  return `${id.slice(0, 8)}…`;
}

/** One value on one line (cut with its whole text in the tooltip), or a dash when there is none. */
function Line({ text, sub = false }: { text: string | null; sub?: boolean }) {
  const className = [sub ? styles.subLine : '', text === null ? styles.muted : ''].filter(Boolean).join(' ');
  return (
    <CellLine className={className || undefined} title={text ?? undefined}>
      {text ?? '—'}
    </CellLine>
  );
}

/** `inert` for the skeleton: same size as the real table, but not yet something to read or tab into. */
function LogsTable({ children, inert }: { children: React.ReactNode; inert?: boolean }) {
  const table = (
    <Table caption="Request logs" captionHidden dense stackBelow={880} className={styles.logTable}>
      <colgroup>
        {COLUMNS.map((column) => (
          <col key={column.label} className={'col' in column ? column.col : undefined} />
        ))}
      </colgroup>
      <thead>
        <tr>
          {COLUMNS.map((column) => (
            // Text headers wrap rather than spill over the next column in a just-wide-enough card.
            <Th key={column.label} align={'numeric' in column ? 'end' : 'start'} nowrap={'numeric' in column}>
              {column.label}
            </Th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </Table>
  );
  return inert ? <div inert>{table}</div> : table;
}
