'use client';

import type { AuditEvent } from '@switchboard/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { useId, useState } from 'react';
import {
  Badge,
  type BadgeTone,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Field,
  Skeleton,
} from '@/components/ui';
import { formatDateTime, formatRelative } from '@/components/ui/format';
import { AuditIcon } from '@/components/ui/icons';
import { Select } from '@/components/ui/select';
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

function targetHref(event: AuditEvent): Route | null {
  if (!event.targetId) return null;
  switch (event.targetType) {
    case 'project':
      return event.action === 'project.delete' ? null : (`/projects/${event.targetId}` as Route);
    case 'virtual_key': {
      const snapshot = (event.after ?? event.before) as { projectId?: unknown } | null;
      return typeof snapshot?.projectId === 'string' ? (`/projects/${snapshot.projectId}` as Route) : null;
    }
    case 'model_group':
      return event.action === 'model_group.delete'
        ? null
        : (`/model-groups/${encodeURIComponent(event.targetId)}` as Route);
    case 'deployment':
      return '/deployments';
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
          <Field id="audit-target-type" label="Target type">
            {(control) => (
              <Select
                id={control.id}
                value={filters.targetType ?? ''}
                onChange={(event) =>
                  setFilters({ targetType: event.target.value || undefined, action: undefined })
                }
              >
                <option value="">All targets</option>
                {TARGET_TYPES.map((type) => (
                  <option key={type.value} value={type.value}>
                    {type.label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="audit-action" label="Action">
            {(control) => (
              <Select
                id={control.id}
                value={filters.action ?? ''}
                onChange={(event) => setFilters({ ...filters, action: event.target.value || undefined })}
              >
                <option value="">All actions</option>
                {actions.map((action) => (
                  <option key={action.value} value={action.value}>
                    {action.value}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <div className={styles.filterActions}>
            <Button variant="ghost" onClick={() => setFilters({})} disabled={!filtered}>
              Reset filters
            </Button>
          </div>
        </form>
      </Card>

      {events.isError && !events.data ? (
        <ErrorState
          title="Could not load the audit log"
          message={events.error.message}
          onRetry={() => void events.refetch()}
          retrying={events.isFetching}
        />
      ) : events.isPending ? (
        <Card padding="none" aria-busy="true">
          <ol className={styles.list} aria-label="Loading audit events">
            {Array.from({ length: 6 }, (_, i) => (
              <li key={i} className={styles.event}>
                <div className={styles.eventRow}>
                  <Skeleton width={130} height={14} />
                  <Skeleton width={110} height={14} />
                  <Skeleton width={120} height={22} radius="full" />
                  <Skeleton width={180} height={14} />
                  <Skeleton width={110} height={30} />
                </div>
              </li>
            ))}
          </ol>
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
        <Card padding="none">
          <div className={styles.listHead} aria-hidden="true">
            <span>Time</span>
            <span>Actor</span>
            <span>Action</span>
            <span>Target</span>
            <span />
          </div>
          <ol className={styles.list} aria-label="Audit events">
            {rows.map((event) => (
              <AuditEventItem key={event.id} event={event} />
            ))}
          </ol>
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

function AuditEventItem({ event }: { event: AuditEvent }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const verb = actionVerb(event.action);
  const href = targetHref(event);
  const hasSnapshots = event.before !== null || event.after !== null;

  return (
    <li className={styles.event}>
      <div className={styles.eventRow}>
        <span className={styles.cellTime}>
          <time dateTime={event.createdAt} title={formatDateTime(event.createdAt)}>
            {formatDateTime(event.createdAt)}
          </time>
          <span className={styles.relative}>{formatRelative(event.createdAt)}</span>
        </span>
        <span className={styles.cellActor} title={event.actor}>
          <span className={styles.mobileLabel}>Actor </span>
          {event.actor}
        </span>
        <span>
          <Badge tone={VERB_TONES[verb] ?? 'neutral'}>{event.action}</Badge>
        </span>
        <span className={styles.cellTarget}>
          <span className={styles.targetType}>{targetTypeLabel(event.targetType)}</span>
          {event.targetId ? (
            href ? (
              <Link href={href} className={styles.targetId}>
                {event.targetId}
              </Link>
            ) : (
              <code className={styles.targetId}>{event.targetId}</code>
            )
          ) : null}
        </span>
        <span className={styles.cellToggle}>
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
        </span>
      </div>
      {hasSnapshots ? (
        <div id={panelId} hidden={!open} className={styles.panel}>
          {open ? <AuditDiff before={event.before} after={event.after} /> : null}
        </div>
      ) : null}
    </li>
  );
}
