'use client';

import type { ModelGroup } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Button, Card, EmptyState, ErrorState, PageHeader, Skeleton } from '@/components/ui';
import { CursorPager, useCursorPages } from '@/components/ui/cursor-pager';
import { ModelGroupsIcon } from '@/components/ui/icons';
import { RowActions, Table, Td, Th } from '@/components/ui/table';
import { useCan } from '@/features/auth/use-caller';
import { modelGroupHref } from '../links';
import { MODEL_GROUP_PAGE_SIZE, modelGroupListQueryOptions } from '../queries';
import { STRATEGY_INFO } from '../strategies';
import { CreateGroupDialog } from './create-group-dialog';
import { DeleteGroupDialog } from './delete-group-dialog';
import styles from './model-groups-page.module.css';

const COLUMNS = 6;

/** Every model group with its policy at a glance; each links to its routing editor. */
export function ModelGroupsPage() {
  const pages = useCursorPages();
  const list = useQuery(modelGroupListQueryOptions({ cursor: pages.cursor, limit: MODEL_GROUP_PAGE_SIZE }));
  const [creating, setCreating] = useState(false);
  // A fresh form every time the dialog opens.
  const [createKey, setCreateKey] = useState(0);
  const startCreating = () => {
    setCreateKey((key) => key + 1);
    setCreating(true);
  };
  const writable = useCan('config:write');
  const [deleteTarget, setDeleteTarget] = useState<ModelGroup | null>(null);

  const page = list.data;
  const rows = page?.data ?? null;

  let body;
  if (list.isError && !page) {
    body = (
      <ErrorState
        title="Could not load model groups"
        message={list.error.message}
        onRetry={() => void list.refetch()}
        retrying={list.isFetching}
      />
    );
  } else if (rows && rows.length === 0 && pages.pageNumber === 1) {
    body = (
      <EmptyState
        icon={<ModelGroupsIcon size={22} />}
        title="No model groups yet"
        description="A model group is the model name clients ask for (e.g. gpt-4o-mini). Adding a deployment with a new group name creates the group too."
        actions={
          <>
            {writable ? (
              <Button variant="primary" onClick={startCreating}>
                Create your first group
              </Button>
            ) : null}
            <Link href="/deployments" className={styles.secondaryLink}>
              Go to deployments
            </Link>
          </>
        }
      />
    );
  } else {
    body = (
      <Card padding="none" className={styles.tableCard}>
        <Table caption="Model groups" captionHidden stackBelow={880} className={styles.table}>
          <colgroup>
            <col />
            <col className={styles.colStrategy} />
            <col className={styles.colRetries} />
            <col />
            <col className={styles.colCooldown} />
            <col className={styles.colActions} />
          </colgroup>
          <thead>
            <tr>
              <Th>Model group</Th>
              <Th>Strategy</Th>
              <Th align="end">Retries</Th>
              <Th>Fallbacks</Th>
              <Th align="end">Cooldown</Th>
              <Th>
                <span className="visually-hidden">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {rows === null
              ? Array.from({ length: 4 }, (_, i) => (
                  <tr key={i} aria-hidden="true">
                    <th scope="row" className={styles.nameCell}>
                      <Skeleton width={140} height={14} />
                    </th>
                    {Array.from({ length: COLUMNS - 1 }, (_, c) => (
                      <td key={c}>
                        <Skeleton width={c === COLUMNS - 2 ? 140 : 70} height={14} />
                      </td>
                    ))}
                  </tr>
                ))
              : rows.map((group) => (
                  <tr key={group.id}>
                    <th scope="row" className={styles.nameCell}>
                      <Link href={modelGroupHref(group.name)} className={styles.name}>
                        {group.name}
                      </Link>
                    </th>
                    <Td data-label="Strategy">
                      {STRATEGY_INFO[group.strategy].label}
                      {group.deploymentCount === 0 ? (
                        <span className={`${styles.sub} ${styles.warn}`}>No deployments</span>
                      ) : (
                        <span className={styles.sub}>
                          {group.deploymentCount} {group.deploymentCount === 1 ? 'deployment' : 'deployments'}
                        </span>
                      )}
                    </Td>
                    <Td align="end" data-label="Retries">
                      {group.numRetries}
                    </Td>
                    <Td data-label="Fallbacks">
                      {group.fallbacks.length > 0 ? (
                        <span className={styles.fallbacks}>{group.fallbacks.join(' → ')}</span>
                      ) : (
                        <span className={styles.muted}>none</span>
                      )}
                    </Td>
                    <Td align="end" data-label="Cooldown">
                      {group.cooldownSeconds} s
                      <span className={styles.sub}>at fail {group.allowedFails + 1} in a minute</span>
                    </Td>
                    <Td stack="full">
                      <RowActions>
                        <Link
                          href={modelGroupHref(group.name)}
                          className={styles.actionLink}
                          aria-label={
                            writable ? `Edit routing of ${group.name}` : `View routing of ${group.name}`
                          }
                        >
                          {writable ? 'Edit routing' : 'View routing'}
                        </Link>
                        {writable ? (
                          <Button
                            size="sm"
                            variant="ghost"
                            className={styles.danger}
                            aria-label={`Delete ${group.name}`}
                            onClick={() => setDeleteTarget(group)}
                          >
                            Delete
                          </Button>
                        ) : null}
                      </RowActions>
                    </Td>
                  </tr>
                ))}
          </tbody>
        </Table>
      </Card>
    );
  }

  return (
    <>
      <PageHeader
        title="Model groups"
        description="Each group is a model name clients call. Its routing policy decides which deployment answers, how failures are retried and where traffic falls back."
        actions={
          writable ? (
            <Button variant="primary" onClick={startCreating}>
              Create group
            </Button>
          ) : null
        }
      />
      {body}
      <CursorPager
        label="Model group pages"
        pages={pages}
        pageSize={MODEL_GROUP_PAGE_SIZE}
        page={page}
        isPlaceholderData={list.isPlaceholderData}
      />
      <p className={styles.footnote}>
        Unless a group sets its own, each attempt times out after 600,000 ms and a stream after 300,000 ms
        without a chunk.
      </p>

      {writable ? (
        <>
          <CreateGroupDialog key={createKey} open={creating} onClose={() => setCreating(false)} />
          <DeleteGroupDialog group={deleteTarget} onClose={() => setDeleteTarget(null)} />
        </>
      ) : null}
    </>
  );
}
