'use client';

import type { AlertEvent } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Card, CardHeader, EmptyState, Skeleton } from '@/components/ui';
import { CursorPager, useCursorPages } from '@/components/ui/cursor-pager';
import { formatDateTime, formatRelative } from '@/components/ui/format';
import { Select } from '@/components/ui/select';
import { Table, Td, Th } from '@/components/ui/table';
import { ALERT_EVENT_PAGE_SIZE, alertEventsQueryOptions, alertRulesQueryOptions } from '../queries';
import { BellIcon } from '@/components/ui/icons';
import { QueryErrorState } from '@/components/ui/query-error-state';
import styles from './alerts.module.css';

const COLUMNS = 6;
const STATE_TONE = { firing: 'danger', resolved: 'success', test: 'accent' } as const;

/** Every notification sent (or that failed), newest first; filter by rule. */
export function HistorySection() {
  const [ruleId, setRuleId] = useState('');
  const rules = useQuery(alertRulesQueryOptions());
  return (
    <Card padding="none" className={styles.historyCard}>
      <div className={styles.header}>
        <CardHeader
          title="History"
          description="Every notification sent or failed, and tests. Newest first."
        />
      </div>
      <div className={styles.toolbar}>
        <label htmlFor="alert-history-rule">Rule</label>
        <Select
          id="alert-history-rule"
          className={styles.ruleFilter}
          compact
          value={ruleId}
          onChange={(e) => setRuleId(e.target.value)}
        >
          <option value="">All rules and tests</option>
          {(rules.data ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </Select>
      </div>
      {/* A new filter starts again at page 1. */}
      <HistoryTable key={ruleId} ruleId={ruleId || undefined} />
    </Card>
  );
}

function HistoryTable({ ruleId }: { ruleId: string | undefined }) {
  const pages = useCursorPages();
  const list = useQuery(
    alertEventsQueryOptions({ ruleId, cursor: pages.cursor, limit: ALERT_EVENT_PAGE_SIZE }),
  );
  const page = list.data;
  const rows = page?.data ?? null;

  if (list.isError && !page) {
    return <QueryErrorState title="Could not load the alert history" query={list} />;
  }
  if (rows && rows.length === 0 && pages.pageNumber === 1) {
    return (
      <EmptyState
        icon={<BellIcon size={22} />}
        title="Nothing sent yet"
        description="Alerts and tests appear here as they are sent."
      />
    );
  }
  return (
    <>
      <Table
        caption="Alert history"
        captionHidden
        stackBelow={760}
        aria-busy={list.isPlaceholderData || undefined}
      >
        <thead>
          <tr>
            <Th>Time</Th>
            <Th>Rule</Th>
            <Th>Subject</Th>
            <Th>State</Th>
            <Th>Channel</Th>
            <Th>Delivery</Th>
          </tr>
        </thead>
        <tbody>
          {rows === null
            ? Array.from({ length: 4 }, (_, i) => (
                <tr key={i} aria-hidden="true">
                  {Array.from({ length: COLUMNS }, (_, c) => (
                    <td key={c} className={styles.cell}>
                      <Skeleton width={80} height={14} />
                    </td>
                  ))}
                </tr>
              ))
            : rows.map((event) => <EventRow key={event.id} event={event} />)}
        </tbody>
      </Table>
      <div className={styles.header}>
        <CursorPager
          label="Alert history pages"
          pages={pages}
          pageSize={ALERT_EVENT_PAGE_SIZE}
          page={page}
          isPlaceholderData={list.isPlaceholderData}
        />
      </div>
    </>
  );
}

function EventRow({ event }: { event: AlertEvent }) {
  return (
    <tr>
      <Td nowrap data-label="Time" className={styles.cell}>
        <time dateTime={event.createdAt} title={formatDateTime(event.createdAt)}>
          {formatRelative(event.createdAt)}
        </time>
      </Td>
      <Td data-label="Rule" className={styles.cell}>
        {event.ruleName ?? <span className={styles.sub}>Test</span>}
      </Td>
      <Td data-label="Subject" stack="full" className={styles.cell}>
        {event.subject ?? '—'}
        <span className={`${styles.sub} ${styles.message}`} title={event.message}>
          {event.message}
        </span>
      </Td>
      <Td data-label="State" className={styles.cell}>
        <Badge tone={STATE_TONE[event.state]}>{event.state}</Badge>
      </Td>
      <Td data-label="Channel" className={styles.cell}>
        {event.channelName ?? '—'}
      </Td>
      <Td data-label="Delivery" className={styles.cell}>
        <Badge tone={event.delivery === 'delivered' ? 'success' : 'danger'}>
          {event.delivery}
          {event.responseStatus !== null ? ` · HTTP ${event.responseStatus}` : ''}
        </Badge>
        {event.error ? <span className={`${styles.sub} ${styles.message}`}>{event.error}</span> : null}
      </Td>
    </tr>
  );
}
