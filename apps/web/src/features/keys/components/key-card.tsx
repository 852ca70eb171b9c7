'use client';

import type { VirtualKey } from '@switchboard/contracts';
import type { Route } from 'next';
import Link from 'next/link';
import { useId, useState } from 'react';
import { Badge, type BadgeTone, Button, Card } from '@/components/ui';
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatInteger,
  formatPercent,
  formatRelative,
  formatUsd,
} from '@/components/ui/format';
import { ProgressBar } from '@/components/ui/progress-bar';
import styles from './keys.module.css';

export interface KeyUsage {
  requests: number;
  errors: number;
  costUsd: number;
  totalTokens: number;
}

const PERIOD_NAMES = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly', total: 'Lifetime' } as const;

function keyStatus(key: VirtualKey, now: number): { label: string; tone: BadgeTone } {
  if (key.revokedAt) return { label: 'Revoked', tone: 'danger' };
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return { label: 'Expired', tone: 'warn' };
  if (key.maxBudgetUsd !== null && key.periodSpendUsd >= key.maxBudgetUsd)
    return { label: 'Budget used up', tone: 'warn' };
  return { label: 'Active', tone: 'success' };
}

function limitsText(key: VirtualKey): string {
  const parts = [
    key.rpmLimit !== null ? `${formatInteger(key.rpmLimit)} req/min` : null,
    key.tpmLimit !== null ? `${formatCount(key.tpmLimit)} tokens/min` : null,
    key.maxParallel !== null ? `${formatInteger(key.maxParallel)} parallel` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'No limits';
}

/** The per-end-user limits (Dify's `user`), or null when the key has none. */
function endUserLimitsText(key: VirtualKey): string | null {
  const parts = [
    key.endUserRpmLimit !== null ? `${formatInteger(key.endUserRpmLimit)} req/min` : null,
    key.endUserDailyBudgetUsd !== null ? `${formatUsd(key.endUserDailyBudgetUsd)}/day` : null,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : null;
}

interface KeyCardProps {
  apiKey: VirtualKey;
  usage: KeyUsage | undefined;
  usageLoading: boolean;
  onEdit: (key: VirtualKey) => void;
  onRotate: (key: VirtualKey) => void;
  onRevoke: (key: VirtualKey) => void;
  /** Without `keys:write`: no edit, rotate or revoke. */
  readOnly?: boolean;
}

export function keyName(key: VirtualKey): string {
  return key.alias ?? 'Unnamed key';
}

/** One key: status, allowed models, limits, usage, budget bar, metadata, and the edit / rotate / revoke buttons. */
export function KeyCard({
  apiKey: key,
  usage,
  usageLoading,
  onEdit,
  onRotate,
  onRevoke,
  readOnly = false,
}: KeyCardProps) {
  const titleId = useId();
  const [now] = useState(() => Date.now());

  const name = keyName(key);
  const status = keyStatus(key, now);
  const endUserLimits = endUserLimitsText(key);
  const revoked = key.revokedAt !== null;
  const metadataEntries = Object.entries(key.metadata);

  return (
    <li>
      <Card
        as="article"
        className={`${styles.keyCard} ${revoked ? styles.keyRevoked : ''}`}
        aria-labelledby={titleId}
      >
        <header className={styles.keyHeader}>
          <div>
            <div className={styles.keyTitleRow}>
              <h3 id={titleId} className={styles.keyTitle}>
                {name}
              </h3>
              <Badge tone={status.tone} dot>
                {status.label}
              </Badge>
            </div>
            <p className={styles.keyPrefix}>
              <code>{key.prefix}</code>
            </p>
          </div>
          {revoked || readOnly ? null : (
            <div className={styles.keyActions}>
              <Button size="sm" onClick={() => onEdit(key)} aria-describedby={titleId}>
                Edit
              </Button>
              <Button size="sm" onClick={() => onRotate(key)} aria-describedby={titleId}>
                Rotate
              </Button>
              <Button size="sm" variant="ghost" onClick={() => onRevoke(key)} aria-describedby={titleId}>
                Revoke
              </Button>
            </div>
          )}
        </header>

        <dl className={styles.facts}>
          <div className={styles.fact}>
            <dt>Allowed models</dt>
            <dd>
              {key.models.length === 0 ? (
                'All model groups'
              ) : (
                <span className={styles.modelBadges}>
                  {key.models.map((model) => (
                    <Badge key={model} tone="accent">
                      {model}
                    </Badge>
                  ))}
                </span>
              )}
            </dd>
          </div>
          <div className={styles.fact}>
            <dt>Limits</dt>
            <dd>{limitsText(key)}</dd>
          </div>
          {endUserLimits !== null ? (
            <div className={styles.fact}>
              <dt>Per end user</dt>
              <dd>{endUserLimits}</dd>
            </div>
          ) : null}
          <div className={styles.fact}>
            <dt>Requests (24 h)</dt>
            <dd>
              {usageLoading
                ? '…'
                : usage
                  ? `${formatInteger(usage.requests)} · ${formatInteger(usage.errors)} failed · ${formatUsd(usage.costUsd)}`
                  : '0'}
            </dd>
          </div>
          <div className={styles.fact}>
            <dt>Total spend</dt>
            <dd>{formatUsd(key.spendUsd)}</dd>
          </div>
          <div className={styles.fact}>
            <dt>Last used</dt>
            <dd>
              {key.lastUsedAt ? (
                <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                  {formatRelative(key.lastUsedAt, now)}
                </time>
              ) : (
                'Never'
              )}
            </dd>
          </div>
          <div className={styles.fact}>
            <dt>{revoked ? 'Revoked' : 'Expires'}</dt>
            <dd>
              {revoked && key.revokedAt ? (
                <time dateTime={key.revokedAt}>{formatDateTime(key.revokedAt)}</time>
              ) : key.expiresAt ? (
                <time dateTime={key.expiresAt} title={formatDateTime(key.expiresAt)}>
                  {formatDate(key.expiresAt)}
                </time>
              ) : (
                'Never'
              )}
            </dd>
          </div>
          {metadataEntries.length > 0 ? (
            <div className={`${styles.fact} ${styles.factWide}`}>
              <dt>Metadata</dt>
              <dd>
                <span className={styles.metadataList}>
                  {metadataEntries.map(([name, value]) => (
                    <code key={name}>
                      {name}: {typeof value === 'string' ? value : JSON.stringify(value)}
                    </code>
                  ))}
                </span>
              </dd>
            </div>
          ) : null}
        </dl>

        {key.maxBudgetUsd !== null ? (
          <div className={styles.budget}>
            <div className={styles.budgetRow}>
              <span className={styles.budgetLabel}>{PERIOD_NAMES[key.budgetPeriod ?? 'total']} budget</span>
              <span className={styles.budgetNumbers}>
                {formatUsd(key.periodSpendUsd)} of {formatUsd(key.maxBudgetUsd)} USD (
                {formatPercent(key.periodSpendUsd / key.maxBudgetUsd)})
              </span>
            </div>
            <ProgressBar
              label={`Budget used by ${name}`}
              value={key.periodSpendUsd}
              max={key.maxBudgetUsd}
              valueText={`${formatUsd(key.periodSpendUsd)} of ${formatUsd(key.maxBudgetUsd)} USD`}
            />
            <p className={styles.budgetReset}>
              {key.budgetResetAt ? (
                <>
                  Resets <time dateTime={key.budgetResetAt}>{formatDateTime(key.budgetResetAt)}</time>
                </>
              ) : (
                'Never resets: counts everything this key has spent.'
              )}
            </p>
          </div>
        ) : null}

        <footer className={styles.keyFooter}>
          <Link href={`/logs?projectId=${key.projectId}&keyId=${key.id}` as Route}>
            View requests with this key
          </Link>
        </footer>
      </Card>
    </li>
  );
}
