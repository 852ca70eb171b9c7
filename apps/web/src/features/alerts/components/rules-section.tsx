'use client';

import type { AlertRule } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button } from '@/components/ui';
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
import { AlertListSection } from './alert-list-section';
import styles from './alerts.module.css';

interface Props {
  writable: boolean;
  onEdit: (rule: AlertRule | null) => void;
}

export function RulesSection({ writable, onEdit }: Props) {
  const rules = useQuery(alertRulesQueryOptions());
  const channels = useQuery(alertChannelsQueryOptions());
  const channelName = new Map((channels.data ?? []).map((c) => [c.id, c.name]));
  return (
    <AlertListSection
      noun="rule"
      description="What is watched, and what fires right now (refreshed every few seconds)."
      list={rules}
      skeletonWidth={260}
      empty={{
        title: 'No rules yet',
        description:
          'A rule watches deployments cooling down, error rates of deployments or model groups, or keys nearing their budget.',
      }}
      deleteDescription="It stops firing at once (no “resolved” is sent). Its history stays."
      deleteMutation={deleteRuleMutationOptions}
      writable={writable}
      onAdd={() => onEdit(null)}
      renderItem={(rule, onRemove) => (
        <RuleItem
          key={rule.id}
          rule={rule}
          channels={rule.channelIds.map((id) => channelName.get(id) ?? 'deleted channel')}
          writable={writable}
          onEdit={() => onEdit(rule)}
          onRemove={onRemove}
        />
      )}
    />
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
