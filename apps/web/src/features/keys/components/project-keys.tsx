'use client';

import type { VirtualKey } from '@switchboard/contracts';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Button, Card, EmptyState, ErrorState, Skeleton } from '@/components/ui';
import { KeyIcon } from '@/components/ui/icons';
import { useCan } from '@/features/auth/use-caller';
import { keyListQueryOptions, keyUsageQueryOptions } from '../queries';
import { type KeyAction, KeyActionDialogs, KEYS_HEADING_ID } from './key-action-dialogs';
import { KeyCard, type KeyUsage } from './key-card';
import { KeyFormDialog } from './key-form-dialog';
import styles from './keys.module.css';

interface ProjectKeysProps {
  projectId: string;
  publicUrl: string | null;
  onIssueKey: () => void;
}

/** A project's keys with their usage in the last 24 hours; revoked keys on request. */
export function ProjectKeys({ projectId, publicUrl, onIssueKey }: ProjectKeysProps) {
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [action, setAction] = useState<KeyAction | null>(null);
  // The key being edited stays while its dialog closes; `round` gives every opening a fresh form.
  const [editing, setEditing] = useState<{ key: VirtualKey; open: boolean; round: number } | null>(null);
  // Without keys:write the keys are shown read-only: no issue, edit, rotate or revoke.
  const writable = useCan('keys:write');
  const keys = useInfiniteQuery(keyListQueryOptions({ projectId, includeRevoked }));
  const usage = useQuery(keyUsageQueryOptions('24h'));

  const usageByKey = useMemo(() => {
    const map = new Map<string, KeyUsage>();
    for (const group of usage.data?.groups ?? []) {
      if (group.key) map.set(group.key, group.totals);
    }
    return map;
  }, [usage.data]);

  const list = keys.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <section aria-labelledby={KEYS_HEADING_ID}>
      <div className={styles.keysHeader}>
        <h2 id={KEYS_HEADING_ID} className={styles.keysTitle} tabIndex={-1}>
          Keys
        </h2>
        <label className={styles.checkRow}>
          <input
            type="checkbox"
            checked={includeRevoked}
            onChange={(event) => setIncludeRevoked(event.target.checked)}
          />
          <span>Show revoked keys</span>
        </label>
      </div>

      {keys.isError && !keys.data ? (
        <ErrorState
          title="Could not load this project’s keys"
          message={keys.error.message}
          onRetry={() => void keys.refetch()}
          retrying={keys.isFetching}
        />
      ) : keys.isPending ? (
        <ul className={styles.keyList} aria-busy="true" aria-label="Loading keys">
          {[0, 1].map((i) => (
            <li key={i}>
              <Card className={styles.keyCard}>
                <Skeleton width={180} height={20} />
                <Skeleton width={140} height={14} />
                <div className={styles.facts}>
                  {Array.from({ length: 6 }, (_, j) => (
                    <div key={j}>
                      <Skeleton width={80} height={10} />
                      <Skeleton width={120} height={16} className={styles.skeletonGap} />
                    </div>
                  ))}
                </div>
              </Card>
            </li>
          ))}
        </ul>
      ) : list.length === 0 ? (
        <EmptyState
          icon={<KeyIcon size={22} />}
          title={includeRevoked ? 'This project has no keys' : 'No active keys'}
          description={
            writable
              ? 'Issue a key to let an app such as Dify call the gateway. You choose which model groups it may use, its rate limits, budget and expiry.'
              : 'Keys let an app such as Dify call the gateway. Your role cannot issue them here.'
          }
          actions={
            writable ? (
              <Button variant="primary" onClick={onIssueKey}>
                Issue the first key
              </Button>
            ) : undefined
          }
        />
      ) : (
        <>
          <ul className={styles.keyList} aria-label="Keys">
            {list.map((key) => (
              <KeyCard
                key={key.id}
                apiKey={key}
                usage={usageByKey.get(key.id)}
                usageLoading={usage.isPending}
                readOnly={!writable}
                onEdit={(target) =>
                  setEditing((current) => ({ key: target, open: true, round: (current?.round ?? 0) + 1 }))
                }
                onRotate={(target) => setAction({ kind: 'rotate', key: target })}
                onRevoke={(target) => setAction({ kind: 'revoke', key: target })}
              />
            ))}
          </ul>
          {keys.hasNextPage ? (
            <div className={styles.loadMore}>
              <Button onClick={() => void keys.fetchNextPage()} loading={keys.isFetchingNextPage}>
                Load more keys
              </Button>
            </div>
          ) : null}
        </>
      )}

      <KeyActionDialogs action={action} onClose={() => setAction(null)} publicUrl={publicUrl} />
      {editing && writable ? (
        <KeyFormDialog
          key={editing.round}
          open={editing.open}
          onClose={() => setEditing((current) => current && { ...current, open: false })}
          apiKey={editing.key}
          projectName={editing.key.projectName ?? 'this project'}
        />
      ) : null}
    </section>
  );
}
