'use client';

import type { CreatedKey, VirtualKey } from '@switchboard/contracts';
import { useMutation } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { useId, useState } from 'react';
import { Badge, type BadgeTone, Button, Card, Field } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
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
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { revokeKeyMutationOptions, rotateKeyMutationOptions } from '../queries';
import { KeySecretPanel } from './key-secret-panel';
import styles from './keys.module.css';

export interface KeyUsage {
  requests: number;
  errors: number;
  costUsd: number;
  totalTokens: number;
}

const GRACE_PERIODS = [
  { seconds: 0, label: 'No grace: the old secret stops working now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 7 * 86_400, label: '7 days' },
] as const;

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

interface KeyCardProps {
  apiKey: VirtualKey;
  usage: KeyUsage | undefined;
  usageLoading: boolean;
  publicUrl: string | null;
}

/** One key: status, allowed models, limits, usage, budget bar, and rotate / revoke. */
export function KeyCard({ apiKey: key, usage, usageLoading, publicUrl }: KeyCardProps) {
  const titleId = useId();
  const [confirm, setConfirm] = useState<'revoke' | 'rotate' | null>(null);
  const [grace, setGrace] = useState(0);
  const [rotated, setRotated] = useState<CreatedKey | null>(null);
  const revoke = useMutation(revokeKeyMutationOptions());
  const rotate = useMutation(rotateKeyMutationOptions());
  const [now] = useState(() => Date.now());

  const name = key.alias ?? 'Unnamed key';
  const status = keyStatus(key, now);
  const revoked = key.revokedAt !== null;

  function closeConfirm() {
    setConfirm(null);
    revoke.reset();
    rotate.reset();
  }

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
          {revoked ? null : (
            <div className={styles.keyActions}>
              <Button size="sm" onClick={() => setConfirm('rotate')} aria-describedby={titleId}>
                Rotate
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setConfirm('revoke')}
                aria-describedby={titleId}
              >
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

      <ConfirmDialog
        open={confirm === 'revoke'}
        onCancel={closeConfirm}
        title={`Revoke “${name}”?`}
        description={
          <>
            Apps using <code>{key.prefix}</code> get “401 invalid API key” from their next request on. This
            cannot be undone; issue a new key if you need one.
          </>
        }
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error?.message}
        onConfirm={() =>
          revoke.mutate(key.id, {
            onSuccess: () => {
              setConfirm(null);
              toast.success('Key revoked', `“${name}” no longer works.`);
            },
          })
        }
      />

      <ConfirmDialog
        open={confirm === 'rotate'}
        onCancel={closeConfirm}
        title={`Rotate “${name}”?`}
        description="A new secret replaces the current one. Limits, budget and usage stay with the key."
        confirmLabel="Rotate key"
        tone="primary"
        pending={rotate.isPending}
        error={rotate.error?.message}
        onConfirm={() =>
          rotate.mutate(
            { id: key.id, gracePeriodSeconds: grace },
            {
              onSuccess: (created) => {
                // The "Key rotated" dialog with the new secret is the confirmation.
                setConfirm(null);
                setRotated(created);
              },
            },
          )
        }
      >
        <GraceChoice value={grace} onChange={setGrace} disabled={rotate.isPending} />
      </ConfirmDialog>

      <Dialog
        open={rotated !== null}
        onClose={() => setRotated(null)}
        title="Key rotated"
        description={`Update every app that uses “${name}” with the new secret.`}
        size="lg"
        dismissOnBackdrop={false}
        footer={
          <Button variant="primary" onClick={() => setRotated(null)} data-autofocus>
            Done
          </Button>
        }
      >
        {rotated ? <KeySecretPanel created={rotated} publicUrl={publicUrl} /> : null}
      </Dialog>
    </li>
  );
}

function GraceChoice({
  value,
  onChange,
  disabled,
}: {
  value: number;
  onChange: (v: number) => void;
  disabled: boolean;
}) {
  return (
    <div className={styles.rotateChoice}>
      <Field
        id="rotate-grace"
        label="Keep the old secret working for"
        hint="Time to roll the new secret out to your apps."
      >
        {(control) => (
          <Select
            id={control.id}
            aria-describedby={control['aria-describedby']}
            value={String(value)}
            onChange={(event) => onChange(Number(event.target.value))}
            disabled={disabled}
          >
            {GRACE_PERIODS.map((option) => (
              <option key={option.seconds} value={option.seconds}>
                {option.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </div>
  );
}
