'use client';

import type { AlertChannel, AlertTestResult } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, CardHeader, EmptyState, ErrorState, Skeleton } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { InlineAlert } from '@/components/ui/inline-alert';
import { toast } from '@/components/ui/toast';
import { CHANNEL_KIND_TEXT } from '../alert-forms';
import {
  alertChannelsQueryOptions,
  deleteChannelMutationOptions,
  testChannelMutationOptions,
} from '../queries';
import { BellIcon } from '@/components/ui/icons';
import styles from './alerts.module.css';

interface Props {
  writable: boolean;
  onEdit: (channel: AlertChannel | null) => void;
}

export function ChannelsSection({ writable, onEdit }: Props) {
  const channels = useQuery(alertChannelsQueryOptions());
  const [removing, setRemoving] = useState<AlertChannel | null>(null);
  const queryClient = useQueryClient();
  const remove = useMutation(deleteChannelMutationOptions(queryClient));

  let body;
  if (channels.isError && !channels.data) {
    body = (
      <ErrorState
        title="Could not load alert channels"
        message={channels.error.message}
        onRetry={() => void channels.refetch()}
        retrying={channels.isFetching}
      />
    );
  } else if (!channels.data) {
    body = (
      <div className={styles.item} aria-hidden="true">
        <Skeleton width={220} height={14} />
      </div>
    );
  } else if (channels.data.length === 0) {
    body = (
      <EmptyState
        icon={<BellIcon size={22} />}
        title="No channels yet"
        description="A channel is a webhook URL (JSON) or a Slack-compatible incoming webhook that alerts are posted to."
        actions={
          writable ? (
            <Button variant="primary" onClick={() => onEdit(null)}>
              Add channel
            </Button>
          ) : null
        }
      />
    );
  } else {
    body = (
      <ul className={styles.list} aria-label="Alert channels">
        {channels.data.map((channel) => (
          <ChannelItem
            key={channel.id}
            channel={channel}
            writable={writable}
            onEdit={() => onEdit(channel)}
            onRemove={() => {
              remove.reset();
              setRemoving(channel);
            }}
          />
        ))}
      </ul>
    );
  }

  return (
    <Card padding="none">
      <div className={styles.header}>
        <CardHeader
          title="Channels"
          description="Where notifications go. The URL is write-only: only a hint is shown."
        />
      </div>
      {body}
      <ConfirmDialog
        open={removing !== null}
        onCancel={() => setRemoving(null)}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.id, {
            onSuccess: () => {
              toast.success(`Channel ${removing.name} deleted`);
              setRemoving(null);
            },
          })
        }
        title={`Delete channel ${removing?.name ?? ''}?`}
        description="Rules stop sending to it. Its history stays."
        confirmLabel="Delete channel"
        pending={remove.isPending}
        error={remove.error?.message ?? null}
      />
    </Card>
  );
}

function ChannelItem({
  channel,
  writable,
  onEdit,
  onRemove,
}: {
  channel: AlertChannel;
  writable: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const queryClient = useQueryClient();
  const test = useMutation(testChannelMutationOptions(queryClient));
  const [result, setResult] = useState<AlertTestResult | null>(null);

  return (
    <li className={styles.item}>
      <div className={styles.itemMain}>
        <span className={styles.itemTitle}>
          {channel.name}
          <Badge tone={channel.kind === 'slack' ? 'accent' : 'neutral'}>
            {CHANNEL_KIND_TEXT[channel.kind]}
          </Badge>
          {channel.enabled ? null : <Badge tone="warn">Disabled</Badge>}
        </span>
        <span className={styles.mono}>{channel.urlHint}</span>
      </div>
      {writable ? (
        <div className={styles.actions}>
          <Button
            size="sm"
            variant="secondary"
            loading={test.isPending}
            aria-label={`Send test to ${channel.name}`}
            onClick={() =>
              test.mutate(channel.id, {
                onSuccess: setResult,
                onError: (error) => setResult({ ok: false, status: null, message: error.message }),
              })
            }
          >
            Send test
          </Button>
          <Button size="sm" variant="ghost" aria-label={`Edit channel ${channel.name}`} onClick={onEdit}>
            Edit
          </Button>
          <Button
            size="sm"
            variant="ghost"
            className={styles.danger}
            aria-label={`Delete channel ${channel.name}`}
            onClick={onRemove}
          >
            Delete
          </Button>
        </div>
      ) : null}
      {result ? (
        <div className={styles.testResult}>
          <InlineAlert
            tone={result.ok ? 'success' : 'danger'}
            title={result.ok ? 'Test delivered' : 'Test not delivered'}
            actions={
              <Button size="sm" variant="ghost" onClick={() => setResult(null)}>
                Dismiss
              </Button>
            }
          >
            {result.message}
          </InlineAlert>
        </div>
      ) : null}
    </li>
  );
}
