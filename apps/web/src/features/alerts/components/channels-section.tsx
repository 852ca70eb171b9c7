'use client';

import type { AlertChannel, AlertTestResult } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button } from '@/components/ui';
import { InlineAlert } from '@/components/ui/inline-alert';
import { CHANNEL_KIND_TEXT } from '../alert-forms';
import {
  alertChannelsQueryOptions,
  deleteChannelMutationOptions,
  testChannelMutationOptions,
} from '../queries';
import { AlertListSection } from './alert-list-section';
import styles from './alerts.module.css';

interface Props {
  writable: boolean;
  onEdit: (channel: AlertChannel | null) => void;
}

export function ChannelsSection({ writable, onEdit }: Props) {
  const channels = useQuery(alertChannelsQueryOptions());
  return (
    <AlertListSection
      noun="channel"
      description="Where notifications go. The URL is write-only: only a hint is shown."
      list={channels}
      skeletonWidth={220}
      empty={{
        title: 'No channels yet',
        description:
          'A channel is a webhook URL (JSON) or a Slack-compatible incoming webhook that alerts are posted to.',
      }}
      deleteDescription="Rules stop sending to it. Its history stays."
      deleteMutation={deleteChannelMutationOptions}
      writable={writable}
      onAdd={() => onEdit(null)}
      renderItem={(channel, onRemove) => (
        <ChannelItem
          key={channel.id}
          channel={channel}
          writable={writable}
          onEdit={() => onEdit(channel)}
          onRemove={onRemove}
        />
      )}
    />
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
