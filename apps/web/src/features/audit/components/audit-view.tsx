'use client';

import type { AuditEvent } from '@switchboard/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { type ReactNode, useId, useState } from 'react';
import { Badge, type BadgeTone, Button, Card, EmptyState, Skeleton } from '@/components/ui';
import { formatDateTime, formatRelative } from '@/components/ui/format';
import { AuditIcon } from '@/components/ui/icons';
import { Table, Th } from '@/components/ui/table';
import { FilterSelect } from '@/components/ui/filter-select';
import { QueryErrorState } from '@/components/ui/query-error-state';
import type { AuditFilters } from '../api';
import { ACTIONS, actionVerb, TARGET_TYPES, targetTypeLabel } from '../audit-catalog';
import { auditListQueryOptions } from '../queries';
import { AuditDiff } from './audit-diff';
import styles from './audit.module.css';

const VERB_TONES: Record<string, BadgeTone> = {
  create: 'success',
  update: 'accent',
  rotate: 'accent',
  import: 'accent',
  delete: 'danger',
  revoke: 'danger',
};

function snapshotField(event: AuditEvent, field: string): string | null {
  const snapshot = event.after ?? event.before;
  if (typeof snapshot !== 'object' || snapshot === null || !(field in snapshot)) return null;
  const value: unknown = (snapshot as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : null;
}

/** Where the target lives in the console, if it still exists there. */
function targetHref(event: AuditEvent): Route | null {
  if (!event.targetId || actionVerb(event.action) === 'delete') return null;
  switch (event.targetType) {
    case 'project':
      return `/projects/${event.targetId}` as Route;
    case 'virtual_key': {
      const projectId = snapshotField(event, 'projectId');
      return projectId ? (`/projects/${projectId}` as Route) : null;
    }
    case 'model_group': {
      // Model group pages are addressed by name.
      const name = snapshotField(event, 'name');
      return name ? (`/model-groups/${encodeURIComponent(name)}` as Route) : null;
    }
    case 'deployment':
      return '/deployments';
    case 'model_price':
      return `/prices?search=${encodeURIComponent(event.targetId)}` as Route;
    default:
      return null;
  }
}

/** Who changed what and when, newest first, with each change's before/after. */
export function AuditView() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const events = useInfiniteQuery(auditListQueryOptions(filters));
  const rows = events.data?.pages.flatMap((page) => page.data) ?? [];
  const actions = ACTIONS.filter((action) => !filters.targetType || action.targetType === filters.targetType);
  const filtered = Boolean(filters.targetType || filters.action);

  return (
    <div className={styles.page}>
      <Card className={styles.filterCard}>
        <form
          className={styles.filters}
          aria-label="Audit filters"
          onSubmit={(event) => event.preventDefault()}
        >
          <FilterSelect
            id="audit-target-type"
            label="Target type"
            value={filters.targetType}
            onChange={(targetType) => setFilters({ targetType, action: undefined })}
            anyLabel="All targets"
            options={TARGET_TYPES}
          />
          <FilterSelect
            id="audit-action"
            label="Action"
            value={filters.action}
            onChange={(action) => setFilters({ ...filters, action })}
            anyLabel="All actions"
            options={actions.map((action) => ({ value: action.value, label: action.value }))}
          />
          <div className={styles.filterActions}>
            <Button variant="ghost" onClick={() => setFilters({})} disabled={!filtered}>
              Reset filters
            </Button>
          </div>
        </form>
      </Card>

      {events.isError && !events.data ? (
        <QueryErrorState title="Could not load the audit log" query={events} />
      ) : events.isPending ? (
        <Card padding="none" className={styles.tableCard} aria-busy="true">
          <span className="visually-hidden" role="status">
            Loading audit events
          </span>
          <div inert>
            <AuditTable>
              <tbody>
                {Array.from({ length: 6 }, (_, i) => (
                  <tr key={i} className={styles.eventRow}>
                    <td>
                      <Skeleton width={150} height={14} />
                      <Skeleton width={80} height={10} className={styles.skeletonGap} />
                    </td>
                    <td>
                      <Skeleton width={110} height={14} />
                    </td>
                    <td>
                      <Skeleton width={120} height={22} radius="full" />
                    </td>
                    <td>
                      <Skeleton width={180} height={14} />
                      <Skeleton width={220} height={10} className={styles.skeletonGap} />
                    </td>
                    <td>
                      <Skeleton width={110} height={30} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </AuditTable>
          </div>
        </Card>
      ) : rows.length === 0 ? (
        <EmptyState
          icon={<AuditIcon size={22} />}
          title={filtered ? 'No events match these filters' : 'No changes recorded yet'}
          description={
            filtered
              ? 'Try another target type or action.'
              : 'Every change made through the admin API is recorded here with who made it, what changed and when. Secrets never appear in the audit log.'
          }
          actions={filtered ? <Button onClick={() => setFilters({})}>Clear filters</Button> : undefined}
        />
      ) : (
        <Card padding="none" className={styles.tableCard}>
          <AuditTable>
            {rows.map((event) => (
              <AuditEventRows key={event.id} event={event} />
            ))}
          </AuditTable>
          <div className={styles.loadMore}>
            {events.hasNextPage ? (
              <Button onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage}>
                Load more
              </Button>
            ) : (
              <p className={styles.muted}>That is everything{filtered ? ' matching these filters' : ''}.</p>
            )}
          </div>
        </Card>
      )}
    </div>
  );
}

/** One `<tbody>` per event: the event row, then its before/after when expanded. */
function AuditTable({ children }: { children: ReactNode }) {
  return (
    <Table caption="Audit events" captionHidden className={styles.auditTable}>
      <colgroup>
        <col className={styles.colTime} />
        <col className={styles.colActor} />
        <col className={styles.colAction} />
        <col />
        <col className={styles.colToggle} />
      </colgroup>
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          <Th>Target</Th>
          <Th align="end">
            <span className="visually-hidden">Changes</span>
          </Th>
        </tr>
      </thead>
      {children}
    </Table>
  );
}

function AuditEventRows({ event }: { event: AuditEvent }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const verb = actionVerb(event.action);
  const href = targetHref(event);
  const label =
    snapshotField(event, 'name') ?? snapshotField(event, 'alias') ?? snapshotField(event, 'model');
  const hasSnapshots = event.before !== null || event.after !== null;

  return (
    <tbody className={styles.event}>
      <tr className={styles.eventRow}>
        <td className={styles.cellTime}>
          <time dateTime={event.createdAt} title={formatDateTime(event.createdAt)}>
            {formatDateTime(event.createdAt)}
          </time>
          <span className={styles.relative}>{formatRelative(event.createdAt)}</span>
        </td>
        <td className={styles.cellActor} title={event.actor}>
          <span className={styles.mobileLabel}>Actor </span>
          {event.actor}
        </td>
        <td className={styles.cellAction}>
          <Badge tone={VERB_TONES[verb] ?? 'neutral'}>{event.action}</Badge>
        </td>
        <td className={styles.cellTarget}>
          <span className={styles.targetType}>
            {targetTypeLabel(event.targetType)}
            {label ? <span className={styles.targetName}> {label}</span> : null}
          </span>
          {event.targetId ? (
            href ? (
              <Link href={href} className={styles.targetId}>
                {event.targetId}
              </Link>
            ) : (
              <code className={styles.targetId}>{event.targetId}</code>
            )
          ) : null}
        </td>
        <td className={styles.cellToggle}>
          {hasSnapshots ? (
            <Button
              size="sm"
              variant="ghost"
              aria-expanded={open}
              aria-controls={panelId}
              onClick={() => setOpen((value) => !value)}
            >
              {open ? 'Hide changes' : 'Show changes'}
            </Button>
          ) : (
            <span className={styles.muted}>No details</span>
          )}
        </td>
      </tr>
      {hasSnapshots ? (
        <tr id={panelId} hidden={!open} className={styles.panelRow}>
          <td colSpan={5} className={styles.panel}>
            {open ? <AuditDiff before={event.before} after={event.after} /> : null}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
