'use client';

import type { AlertRule } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Badge, Button, Card, CardHeader, EmptyState, ErrorState, Skeleton } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formatDateTime, formatRelative } from '@/components/ui/format';
import { Switch } from '@/components/ui/switch';
import { toast } from '@/components/ui/toast';
import { isRateKind, ruleKindLabel, thresholdText } from '../alert-forms';
import {
  alertChannelsQueryOptions,
  alertRulesQueryOptions,
  deleteRuleMutationOptions,
  saveRuleMutationOptions,
} from '../queries';
import { BellIcon } from '@/components/ui/icons';
import styles from './alerts.module.css';

interface Props {
  writable: boolean;
  onEdit: (rule: AlertRule | null) => void;
}

export function RulesSection({ writable, onEdit }: Props) {
  const rules = useQuery(alertRulesQueryOptions());
  const channels = useQuery(alertChannelsQueryOptions());
  const channelName = new Map((channels.data ?? []).map((c) => [c.id, c.name]));
  const [removing, setRemoving] = useState<AlertRule | null>(null);
  const queryClient = useQueryClient();
  const remove = useMutation(deleteRuleMutationOptions(queryClient));

  let body;
  if (rules.isError && !rules.data) {
    body = (
      <ErrorState
        title="Could not load alert rules"
        message={rules.error.message}
        onRetry={() => void rules.refetch()}
        retrying={rules.isFetching}
      />
    );
  } else if (!rules.data) {
    body = (
      <div className={styles.item} aria-hidden="true">
        <Skeleton width={260} height={14} />
      </div>
    );
  } else if (rules.data.length === 0) {
    body = (
      <EmptyState
        icon={<BellIcon size={22} />}
        title="No rules yet"
        description="A rule watches deployments cooling down, error rates of deployments or model groups, or keys nearing their budget."
        actions={
          writable ? (
            <Button variant="primary" onClick={() => onEdit(null)}>
              Add rule
            </Button>
          ) : null
        }
      />
    );
  } else {
    body = (
      <ul className={styles.list} aria-label="Alert rules">
        {rules.data.map((rule) => (
          <RuleItem
            key={rule.id}
            rule={rule}
            channels={rule.channelIds.map((id) => channelName.get(id) ?? 'deleted channel')}
            writable={writable}
            onEdit={() => onEdit(rule)}
            onRemove={() => {
              remove.reset();
              setRemoving(rule);
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
          title="Rules"
          description="What is watched, and what fires right now (refreshed every few seconds)."
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
              toast.success(`Rule ${removing.name} deleted`);
              setRemoving(null);
            },
          })
        }
        title={`Delete rule ${removing?.name ?? ''}?`}
        description="It stops firing at once (no “resolved” is sent). Its history stays."
        confirmLabel="Delete rule"
        pending={remove.isPending}
        error={remove.error?.message ?? null}
      />
    </Card>
  );
}

function RuleItem({
  rule,
  channels,
  writable,
  onEdit,
  onRemove,
}: {
  rule: AlertRule;
  channels: string[];
  writable: boolean;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const queryClient = useQueryClient();
  const toggle = useMutation(saveRuleMutationOptions(queryClient));
  const threshold = thresholdText(rule);
  const watch = rule.targetName ?? (rule.target === null ? 'every one' : rule.target);
  const detail = [
    `Watches ${watch}`,
    threshold ? `threshold ${threshold}` : null,
    isRateKind(rule.kind) ? `over ${rule.windowMinutes} min, at least ${rule.minRequests} requests` : null,
    channels.length > 0 ? `to ${channels.join(', ')}` : 'no channel (history only)',
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <li className={styles.item}>
      <div className={styles.itemMain}>
        <span className={styles.itemTitle}>
          {rule.name}
          <Badge>{ruleKindLabel(rule.kind)}</Badge>
          {rule.firing.length > 0 ? (
            <Badge tone="danger" dot>
              Firing
            </Badge>
          ) : rule.enabled ? (
            <Badge tone="success">OK</Badge>
          ) : (
            <Badge tone="warn">Disabled</Badge>
          )}
        </span>
        <span className={styles.sub}>{detail}</span>
        {rule.firing.map((f) => (
          <span key={f.subject} className={styles.firing}>
            Firing for {f.subjectName} since{' '}
            <time dateTime={f.since} title={formatDateTime(f.since)}>
              {formatRelative(f.since)}
            </time>
          </span>
        ))}
      </div>
      {writable ? (
        <div className={styles.actions}>
          <label className={styles.toggle}>
            <Switch
              checked={rule.enabled}
              pending={toggle.isPending}
              aria-label={`${rule.name} enabled`}
              onCheckedChange={(enabled) =>
                toggle.mutate(
                  { id: rule.id, body: { enabled } },
                  { onError: (error) => toast.error('The rule could not be changed', error.message) },
                )
              }
            />
            Enabled
          </label>
          <Button size="sm" variant="ghost" aria-label={`Edit rule ${rule.name}`} onClick={onEdit}>
            Edit
          </Button>
          <Button
            size="sm"
            variant="ghost"
            className={styles.danger}
            aria-label={`Delete rule ${rule.name}`}
            onClick={onRemove}
          >
            Delete
          </Button>
        </div>
      ) : null}
    </li>
  );
}
