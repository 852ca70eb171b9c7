'use client';

import type { Deployment, RoutingStrategyName } from '@switchboard/contracts';
import type { Route } from 'next';
import Link from 'next/link';
import type { UseFormRegisterReturn } from 'react-hook-form';
import { Badge, Input, Skeleton } from '@/components/ui';
import { formatPercent } from '@/components/ui/format';
import { PROVIDER_LABELS } from '@/features/deployments/deployment-form';
import { STRATEGY_INFO } from '../strategies';
import styles from './split-editor.module.css';

export interface RowErrors {
  weight?: string | null;
  priority?: string | null;
}

interface SplitEditorProps {
  groupName: string;
  strategy: RoutingStrategyName;
  /** `null` while loading. */
  deployments: Deployment[] | null;
  /** The form's weight and priority fields of a deployment (as typed). */
  weightField: (d: Deployment) => UseFormRegisterReturn;
  priorityField: (d: Deployment) => UseFormRegisterReturn;
  /** Share per deployment id: the preview while editing, the server's split otherwise. */
  shares: Map<string, number>;
  /** The server's split, shown next to the preview while they differ. */
  liveShares: Map<string, number> | null;
  errors: Record<string, RowErrors>;
  disabled: boolean;
}

function StateBadge({ deployment }: { deployment: Deployment }) {
  switch (deployment.state.status) {
    case 'disabled':
      return <Badge tone="neutral">Disabled</Badge>;
    case 'cooling_down':
      return <Badge tone="warn">Cooling down</Badge>;
    case 'healthy':
      return <Badge tone="success">Healthy</Badge>;
  }
}

/** One row per deployment: its weight (and priority) inputs and a bar with its expected share. */
export function SplitEditor({
  groupName,
  strategy,
  deployments,
  weightField,
  priorityField,
  shares,
  liveShares,
  errors,
  disabled,
}: SplitEditorProps) {
  const showPriority = STRATEGY_INFO[strategy].uses === 'priority';
  const gridClass = showPriority ? `${styles.grid} ${styles.withPriority}` : styles.grid;

  if (deployments === null) {
    return (
      <div className={styles.list} aria-busy="true">
        {Array.from({ length: 3 }, (_, i) => (
          <div key={i} className={`${gridClass} ${styles.row}`} aria-hidden="true">
            <div className={styles.who}>
              <Skeleton width={160} height={14} />
              <Skeleton width={120} height={12} />
            </div>
            <div className={styles.inputCell}>
              <Skeleton width={96} height={30} radius="md" />
            </div>
            {showPriority ? (
              <div className={styles.inputCell}>
                <Skeleton width={96} height={30} radius="md" />
              </div>
            ) : null}
            <div className={styles.shareCell}>
              <Skeleton height={10} radius="full" />
            </div>
          </div>
        ))}
      </div>
    );
  }

  return (
    <div className={styles.list}>
      <div className={`${gridClass} ${styles.head}`} aria-hidden="true">
        <span>Deployment</span>
        <span>Weight</span>
        {showPriority ? <span>Priority</span> : null}
        <span>Expected share</span>
      </div>
      <ul className={styles.rows}>
        {deployments.map((d) => {
          const share = shares.get(d.id) ?? 0;
          const live = liveShares?.get(d.id);
          const rowErrors = errors[d.id] ?? {};
          const weightId = `weight-${d.id}`;
          const priorityId = `priority-${d.id}`;
          const shareText = formatPercent(share);
          return (
            <li key={d.id} className={`${gridClass} ${styles.row}`}>
              <div className={styles.who}>
                <span className={styles.name}>
                  <Link
                    href={`/deployments?modelGroup=${encodeURIComponent(groupName)}` as Route}
                    className={styles.nameLink}
                  >
                    {d.name}
                  </Link>
                  <StateBadge deployment={d} />
                </span>
                <span className={styles.sub}>
                  {PROVIDER_LABELS[d.provider]} · {d.model}
                </span>
              </div>
              <div className={styles.inputCell}>
                <label htmlFor={weightId} className={styles.mobileLabel}>
                  Weight
                </label>
                <Input
                  id={weightId}
                  className={styles.numberInput}
                  inputMode="numeric"
                  placeholder="1"
                  aria-label={`Weight of ${d.name}`}
                  aria-describedby={rowErrors.weight ? `${weightId}-error` : undefined}
                  invalid={Boolean(rowErrors.weight)}
                  {...weightField(d)}
                  disabled={disabled}
                />
                {rowErrors.weight ? (
                  <span id={`${weightId}-error`} className={styles.error}>
                    {rowErrors.weight}
                  </span>
                ) : null}
              </div>
              {showPriority ? (
                <div className={styles.inputCell}>
                  <label htmlFor={priorityId} className={styles.mobileLabel}>
                    Priority
                  </label>
                  <Input
                    id={priorityId}
                    className={styles.numberInput}
                    inputMode="numeric"
                    aria-label={`Priority of ${d.name}`}
                    aria-describedby={rowErrors.priority ? `${priorityId}-error` : undefined}
                    invalid={Boolean(rowErrors.priority)}
                    {...priorityField(d)}
                    disabled={disabled}
                  />
                  {rowErrors.priority ? (
                    <span id={`${priorityId}-error`} className={styles.error}>
                      {rowErrors.priority}
                    </span>
                  ) : null}
                </div>
              ) : null}
              <div className={styles.shareCell}>
                <div
                  className={styles.track}
                  role="img"
                  aria-label={`${d.name}: ${shareText} of the traffic${
                    live !== undefined && live !== share ? `, ${formatPercent(live)} now` : ''
                  }`}
                >
                  <span className={styles.fill} style={{ width: `${share * 100}%` }} />
                  {live !== undefined && live !== share ? (
                    <span className={styles.liveMark} style={{ left: `${live * 100}%` }} />
                  ) : null}
                </div>
                <span className={styles.shareText}>
                  <strong>{shareText}</strong>
                  {!d.enabled ? (
                    <span className={styles.note}>disabled</span>
                  ) : live !== undefined && live !== share ? (
                    <span className={styles.note}>now {formatPercent(live)}</span>
                  ) : share === 0 ? (
                    <span className={styles.note}>standby</span>
                  ) : null}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
