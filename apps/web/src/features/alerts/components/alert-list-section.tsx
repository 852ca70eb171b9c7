'use client';

import {
  type QueryClient,
  type UseMutationOptions,
  type UseQueryResult,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Button, Card, CardHeader, EmptyState, Skeleton } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { BellIcon } from '@/components/ui/icons';
import { toast } from '@/components/ui/toast';
import { QueryErrorState } from '@/components/ui/query-error-state';
import styles from './alerts.module.css';

interface Named {
  id: string;
  name: string;
}

interface AlertListSectionProps<T extends Named> {
  /** Names the section and its texts: "Channels", "Add channel", "Delete channel …?". */
  noun: 'channel' | 'rule';
  description: string;
  list: UseQueryResult<T[]>;
  /** Width of the loading line, about that of an item. */
  skeletonWidth: number;
  empty: { title: string; description: string };
  /** What deleting one does, said in the confirmation. */
  deleteDescription: string;
  deleteMutation: (queryClient: QueryClient) => UseMutationOptions<void, Error, string>;
  writable: boolean;
  onAdd: () => void;
  /** One `<li>`; `onRemove` asks to confirm the deletion. */
  renderItem: (item: T, onRemove: () => void) => ReactNode;
}

/** A card listing alert channels or rules, with its loading, error and empty states and the delete confirmation. */
export function AlertListSection<T extends Named>({
  noun,
  description,
  list,
  skeletonWidth,
  empty,
  deleteDescription,
  deleteMutation,
  writable,
  onAdd,
  renderItem,
}: AlertListSectionProps<T>) {
  const Noun = noun === 'channel' ? 'Channel' : 'Rule';
  const [removing, setRemoving] = useState<T | null>(null);
  const queryClient = useQueryClient();
  const remove = useMutation(deleteMutation(queryClient));

  let body;
  if (list.isError && !list.data) {
    body = <QueryErrorState title={`Could not load alert ${noun}s`} query={list} />;
  } else if (!list.data) {
    body = (
      <div className={styles.item} aria-hidden="true">
        <Skeleton width={skeletonWidth} height={14} />
      </div>
    );
  } else if (list.data.length === 0) {
    body = (
      <EmptyState
        icon={<BellIcon size={22} />}
        title={empty.title}
        description={empty.description}
        actions={
          writable ? (
            <Button variant="primary" onClick={onAdd}>
              {`Add ${noun}`}
            </Button>
          ) : null
        }
      />
    );
  } else {
    body = (
      <ul className={styles.list} aria-label={`Alert ${noun}s`}>
        {list.data.map((item) =>
          renderItem(item, () => {
            remove.reset();
            setRemoving(item);
          }),
        )}
      </ul>
    );
  }

  return (
    <Card padding="none">
      <div className={styles.header}>
        <CardHeader title={`${Noun}s`} description={description} />
      </div>
      {body}
      <ConfirmDialog
        open={removing !== null}
        onCancel={() => setRemoving(null)}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => {
              toast.success(`${Noun} ${removing.name} deleted`);
              setRemoving(null);
            },
          })
        }
        title={`Delete ${noun} ${removing?.name ?? ''}?`}
        description={deleteDescription}
        confirmLabel={`Delete ${noun}`}
        pending={remove.isPending}
        error={remove.error?.message ?? null}
      />
    </Card>
  );
}
