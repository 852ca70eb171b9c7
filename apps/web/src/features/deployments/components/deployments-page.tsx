'use client';

import type { Deployment } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useId, useMemo, useState } from 'react';
import { Button, buttonClassName, Card, EmptyState, ErrorState, PageHeader } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { CursorPager, useCursorPages } from '@/components/ui/cursor-pager';
import { DeploymentsIcon } from '@/components/ui/icons';
import { InlineAlert } from '@/components/ui/inline-alert';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { Select } from '@/components/ui/select';
import { TIME_RANGE_OPTIONS } from '@/components/ui/time-range';
import { toast } from '@/components/ui/toast';
import { useCan } from '@/features/auth/use-caller';
import { modelGroupNamesQueryOptions } from '@/features/model-groups/queries';
import {
  ATTEMPT_RANGES,
  type AttemptRange,
  type AttemptsView,
  attemptsById,
  BADGE_RANGE,
} from '../attempts-health';
import {
  ATTEMPTS_REFRESH_MS,
  attemptStatsQueryOptions,
  DEPLOYMENT_PAGE_SIZE,
  deleteDeploymentMutationOptions,
  deploymentListQueryOptions,
  LIVE_REFRESH_MS,
} from '../queries';
import { DeploymentFormDialog, type DeploymentFormTarget } from './deployment-form-dialog';
import { DeploymentsTable } from './deployments-table';
import styles from './deployments-page.module.css';

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

const RANGE_OPTIONS = TIME_RANGE_OPTIONS.filter((o) =>
  (ATTEMPT_RANGES as readonly string[]).includes(o.value),
) as {
  value: AttemptRange;
  label: string;
  ariaLabel: string;
}[];

/**
 * The deployments list: live state every 3 s, error rates every 15 s, server-side paging,
 * add / edit / test / delete.
 */
export function DeploymentsPage() {
  const searchParams = useSearchParams();
  const modelGroup = searchParams.get('modelGroup') ?? undefined;
  // Outside the list, so changing the group filter keeps the chosen range.
  const [range, setRange] = useState<AttemptRange>(BADGE_RANGE);
  // Remount the list when the filter changes so paging starts again at page 1.
  return (
    <DeploymentsList key={modelGroup ?? ''} modelGroup={modelGroup} range={range} onRangeChange={setRange} />
  );
}

function DeploymentsList({
  modelGroup,
  range,
  onRangeChange,
}: {
  modelGroup: string | undefined;
  range: AttemptRange;
  onRangeChange: (range: AttemptRange) => void;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const filterId = useId();
  const writable = useCan('config:write');
  const canImport = useCan('import:write');

  const pages = useCursorPages();
  const list = useQuery(
    deploymentListQueryOptions({ modelGroup, cursor: pages.cursor, limit: DEPLOYMENT_PAGE_SIZE }),
  );
  const groupNames = useQuery(modelGroupNamesQueryOptions());
  // The badge always judges the last hour; the summary shows the chosen range (the same query for 1 h).
  const recent = useQuery(attemptStatsQueryOptions(BADGE_RANGE));
  const summary = useQuery(attemptStatsQueryOptions(range));
  const attempts = useMemo<AttemptsView>(
    () => ({
      range,
      recent: attemptsById(recent.data),
      // The previous range's numbers stay out of a column headed with the new one.
      summary: summary.isPlaceholderData ? null : attemptsById(summary.data),
      summaryTo: summary.data ? Date.parse(summary.data.to) : Date.now(),
      summaryFailed: summary.isError && !summary.data,
    }),
    [range, recent.data, summary.data, summary.isPlaceholderData, summary.isError],
  );
  const attemptsError = recent.error ?? summary.error;

  const [formTarget, setFormTarget] = useState<DeploymentFormTarget | null>(null);
  const [deleteTarget, setDeleteTarget] = useState<Deployment | null>(null);
  const remove = useMutation(deleteDeploymentMutationOptions(queryClient));

  const page = list.data;
  const rows = page?.data ?? null;

  function setFilter(next: string) {
    const params = new URLSearchParams();
    if (next) params.set('modelGroup', next);
    const query = params.toString();
    router.replace((query ? `${pathname}?${query}` : pathname) as Route, { scroll: false });
  }

  function confirmDelete() {
    if (!deleteTarget) return;
    remove.mutate(deleteTarget, {
      onSuccess: () => {
        toast.success(
          `Deployment ${deleteTarget.name} deleted`,
          `${deleteTarget.modelGroup} no longer routes to it.`,
        );
        setDeleteTarget(null);
        remove.reset();
      },
    });
  }

  const filterOptions = [...(groupNames.data ?? [])];
  if (modelGroup && !filterOptions.includes(modelGroup)) filterOptions.unshift(modelGroup);

  const addButton = writable ? (
    <Button variant="primary" onClick={() => setFormTarget({ mode: 'create', modelGroup })}>
      Add deployment
    </Button>
  ) : null;

  let body;
  if (list.isError && !page) {
    body = (
      <ErrorState
        title="Could not load deployments"
        message={list.error.message}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  } else if (rows && rows.length === 0 && pages.pageNumber === 1) {
    body = modelGroup ? (
      <EmptyState
        icon={<DeploymentsIcon size={22} />}
        title={`No deployments in ${modelGroup}`}
        description="Requests for this model group fail until it has at least one enabled deployment."
        actions={
          <>
            {writable ? (
              <Button variant="primary" onClick={() => setFormTarget({ mode: 'create', modelGroup })}>
                Add a deployment to {modelGroup}
              </Button>
            ) : null}
            <Button variant="secondary" onClick={() => setFilter('')}>
              Show all deployments
            </Button>
          </>
        }
      />
    ) : (
      <EmptyState
        icon={<DeploymentsIcon size={22} />}
        title="No deployments yet"
        description="A deployment connects one upstream model (OpenAI, Azure, Anthropic or any OpenAI-compatible server) to a model group that clients call by name."
        actions={
          writable || canImport ? (
            <>
              {writable ? (
                <Button variant="primary" onClick={() => setFormTarget({ mode: 'create' })}>
                  Add your first deployment
                </Button>
              ) : null}
              {canImport ? (
                <Link href="/import" className={buttonClassName({ variant: 'secondary' })}>
                  Import a LiteLLM config
                </Link>
              ) : null}
            </>
          ) : undefined
        }
      />
    );
  } else {
    body = (
      <Card padding="none" className={styles.tableCard}>
        <DeploymentsTable
          deployments={rows}
          attempts={attempts}
          onEdit={(d) => setFormTarget({ mode: 'edit', deployment: d })}
          onDelete={setDeleteTarget}
          readOnly={!writable}
        />
      </Card>
    );
  }

  return (
    <>
      <PageHeader
        title="Deployments"
        description="Upstream model endpoints the gateway routes each model group's requests to, with their live health and load."
        actions={addButton}
      />

      <div className={styles.toolbar}>
        <div className={styles.filter}>
          <label htmlFor={filterId} className={styles.filterLabel}>
            Model group
          </label>
          <Select
            id={filterId}
            compact
            value={modelGroup ?? ''}
            onChange={(event) => setFilter(event.target.value)}
            className={styles.filterSelect}
          >
            <option value="">All model groups</option>
            {filterOptions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        </div>
        <div className={styles.filter}>
          <span className={styles.filterLabel} aria-hidden="true">
            Errors over
          </span>
          <SegmentedControl
            label="Errors over"
            options={RANGE_OPTIONS}
            value={range}
            onChange={onRangeChange}
          />
        </div>
        <p className={styles.live} aria-live="off">
          <span className={list.isError ? styles.liveDotError : styles.liveDot} aria-hidden="true" />
          {list.dataUpdatedAt > 0
            ? `Live · refreshes every ${LIVE_REFRESH_MS / 1000} s · updated ${timeFormat.format(list.dataUpdatedAt)}`
            : `Live · refreshes every ${LIVE_REFRESH_MS / 1000} s`}
        </p>
      </div>

      {attemptsError ? (
        <div className={styles.notice}>
          <InlineAlert tone="warn" title="Error rates could not be loaded">
            {attemptsError.message} Until they load, badges say “In rotation” rather than “Healthy”; retrying
            every {ATTEMPTS_REFRESH_MS / 1000} s.
          </InlineAlert>
        </div>
      ) : null}

      {list.isError && page ? (
        <div className={styles.notice}>
          <InlineAlert tone="warn" title="Live refresh failed">
            {list.error.message} Showing the data from {timeFormat.format(list.dataUpdatedAt)}; retrying every{' '}
            {LIVE_REFRESH_MS / 1000} s.
          </InlineAlert>
        </div>
      ) : null}

      {body}

      <CursorPager
        label="Deployments pages"
        pages={pages}
        pageSize={DEPLOYMENT_PAGE_SIZE}
        page={page}
        isPlaceholderData={list.isPlaceholderData}
      />

      <DeploymentFormDialog target={formTarget} onClose={() => setFormTarget(null)} />

      <ConfirmDialog
        open={deleteTarget !== null}
        title={`Delete ${deleteTarget?.name ?? 'deployment'}?`}
        description={
          <>
            <strong>{deleteTarget?.name}</strong> stops receiving <strong>{deleteTarget?.modelGroup}</strong>{' '}
            traffic at once, and its settings and encrypted API key are removed. Requests already running
            finish. This cannot be undone.
          </>
        }
        confirmLabel="Delete"
        pending={remove.isPending}
        error={remove.error?.message ?? null}
        onConfirm={confirmDelete}
        onCancel={() => {
          setDeleteTarget(null);
          remove.reset();
        }}
      />
    </>
  );
}
