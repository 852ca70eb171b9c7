'use client';

import type { Deployment } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { Badge, Button } from '@/components/ui';
import { formatMs } from '@/components/ui/format';
import { PencilIcon, TrashIcon } from '@/components/ui/action-icons';
import { CloseIcon, KeyIcon } from '@/components/ui/icons';
import { Switch } from '@/components/ui/switch';
import { RowActions, Td, Th } from '@/components/ui/table';
import { TIME_RANGE_SPECS } from '@/components/ui/time-range';
import { toast } from '@/components/ui/toast';
import { modelGroupHref } from '@/features/model-groups/links';
import {
  resetDeploymentMutationOptions,
  testDeploymentMutationOptions,
  updateDeploymentMutationOptions,
} from '../queries';
import { type AttemptsView, countSince, healthOf } from '../attempts-health';
import { PROVIDER_LABELS, upstreamHost } from '../deployment-form';
import { AttemptsSummary } from './attempts-summary';
import { DeploymentState, UsageMeter } from './deployment-state';
import styles from './deployments-table.module.css';

export const DEPLOYMENT_COLUMNS = 7;

interface DeploymentRowProps {
  deployment: Deployment;
  now: number;
  attempts: AttemptsView;
  onEdit: (deployment: Deployment) => void;
  onDelete: (deployment: Deployment) => void;
  /** Without `config:write`: the row shows state only. */
  readOnly?: boolean;
}

export function DeploymentRow({
  deployment,
  now,
  attempts,
  onEdit,
  onDelete,
  readOnly = false,
}: DeploymentRowProps) {
  const queryClient = useQueryClient();
  const test = useMutation(testDeploymentMutationOptions(queryClient));
  const toggle = useMutation(updateDeploymentMutationOptions(queryClient));
  const reset = useMutation(resetDeploymentMutationOptions(queryClient));
  const { state } = deployment;
  const resultId = `test-result-${deployment.id}`;
  const host = upstreamHost(deployment);
  // Loaded counts without this deployment: no attempts in the last hour.
  const recentBuckets = attempts.recent ? (attempts.recent.get(deployment.id)?.buckets ?? []) : null;
  const health = healthOf(deployment, recentBuckets, now);
  const summary = attempts.summary ? attempts.summary.get(deployment.id) : null;

  function setEnabled(enabled: boolean) {
    toggle.mutate(
      { deployment, patch: { enabled } },
      {
        onSuccess: (updated) =>
          toast.success(
            enabled ? `${updated.name} enabled` : `${updated.name} disabled`,
            enabled
              ? `New ${updated.modelGroup} requests can go to it now.`
              : 'New requests skip it; running ones finish.',
          ),
        onError: (error) =>
          toast.error(`Could not ${enabled ? 'enable' : 'disable'} ${deployment.name}`, error.message),
      },
    );
  }

  const showResult = test.isSuccess || test.isError;

  return (
    <>
      <tr className={showResult ? styles.hasResult : undefined}>
        <Th scope="row" nowrap={false} className={styles.nameCell}>
          <span className={styles.name}>{deployment.name}</span>
          {/* Each piece breaks onto a line of its own rather than in the middle; the model is never cut. */}
          <span className={styles.detail}>
            <span className={styles.piece}>{PROVIDER_LABELS[deployment.provider]} ·</span>{' '}
            <span className={`${styles.piece} ${styles.model}`}>{deployment.model}</span>
          </span>
          <span className={styles.detail}>
            <span className="visually-hidden">Upstream host </span>
            <span className={styles.piece} title={deployment.apiBase ?? undefined}>
              <span className={styles.model}>{host ?? 'no API base'}</span> ·
            </span>{' '}
            <span
              className={styles.piece}
              title={
                deployment.apiKeyHint
                  ? 'The upstream key’s hint; the key itself is never shown'
                  : 'No upstream key is set'
              }
            >
              <KeyIcon size={12} className={styles.keyIcon} />
              <span className="visually-hidden">upstream key </span>
              <span className={styles.model}>{deployment.apiKeyHint ?? 'none'}</span>
            </span>
          </span>
        </Th>
        <Td data-label="Model group">
          <Link
            href={modelGroupHref(deployment.modelGroup)}
            className={styles.groupLink}
            title={deployment.modelGroup}
          >
            {deployment.modelGroup}
          </Link>
          {/* Weight and priority on lines of their own: the column stays narrow enough for every other. */}
          <span className={styles.sub}>
            <span
              title={
                deployment.weight === null
                  ? 'No weight set: 1, or its rpm limit when every deployment in the group has one'
                  : undefined
              }
            >
              weight {deployment.weight ?? 'default'}
            </span>
          </span>
          <span className={styles.sub}>priority {deployment.priority}</span>
        </Td>
        <Td data-label="State" className={styles.stateCell}>
          <DeploymentState
            deployment={deployment}
            health={health}
            recent={recentBuckets ? countSince(recentBuckets, now) : null}
            now={now}
          />
          {state.status === 'cooling_down' && !readOnly && (
            <Button
              size="sm"
              variant="secondary"
              loading={reset.isPending}
              aria-label="Put back into rotation"
              title={`Clear ${deployment.name}'s cooldown and send it traffic again`}
              onClick={() =>
                reset.mutate(deployment, {
                  onSuccess: (updated) =>
                    toast.success(
                      `${updated.name} is back in rotation`,
                      'Its cooldown is cleared on every instance.',
                    ),
                  onError: (error) => toast.error(`Could not put ${deployment.name} back`, error.message),
                })
              }
            >
              Put back
            </Button>
          )}
        </Td>

        <Td data-label={`Errors · ${TIME_RANGE_SPECS[attempts.range].label}`}>
          <AttemptsSummary
            attempts={summary}
            range={attempts.range}
            to={attempts.summaryTo}
            unavailable={attempts.summaryFailed}
          />
        </Td>
        <Td data-label="Load">
          <UsageMeter used={state.rpmUsed} limit={deployment.rpmLimit} unit="rpm" />
          <UsageMeter used={state.tpmUsed} limit={deployment.tpmLimit} unit="tpm" />
          <span className={styles.load}>
            {state.latencyMs !== null ? (
              <>
                <span
                  title={`Recent latency${state.ttftMs !== null ? `; time to first token ${formatMs(state.ttftMs)}` : ''}`}
                >
                  <span className="visually-hidden">latency </span>
                  {formatMs(state.latencyMs)}
                </span>{' '}
                ·{' '}
              </>
            ) : null}
            {state.inFlight} in flight
          </span>
        </Td>
        <Td data-label="Enabled">
          {readOnly ? (
            <Badge tone={deployment.enabled ? 'success' : 'neutral'}>
              {deployment.enabled ? 'Enabled' : 'Disabled'}
            </Badge>
          ) : (
            <Switch
              checked={deployment.enabled}
              onCheckedChange={setEnabled}
              pending={toggle.isPending}
              aria-label="Enabled"
              title={deployment.enabled ? `Disable ${deployment.name}` : `Enable ${deployment.name}`}
            />
          )}
        </Td>
        {readOnly ? null : (
          <Td className={styles.actionsCell}>
            <RowActions className={styles.actions}>
              {/* Visible "Test"; the accessible name says what it tests. */}
              <Button
                size="sm"
                variant="secondary"
                loading={test.isPending}
                aria-label="Test connection"
                title={`Test the connection to ${deployment.name}'s upstream`}
                aria-controls={showResult ? resultId : undefined}
                onClick={() => test.mutate(deployment)}
              >
                Test
              </Button>
              <button
                type="button"
                className={styles.iconButton}
                aria-label={`Edit ${deployment.name}`}
                title="Edit"
                onClick={() => onEdit(deployment)}
              >
                <PencilIcon />
              </button>
              <button
                type="button"
                className={`${styles.iconButton} ${styles.danger}`}
                aria-label={`Delete ${deployment.name}`}
                title="Delete"
                onClick={() => onDelete(deployment)}
              >
                <TrashIcon />
              </button>
            </RowActions>
          </Td>
        )}
      </tr>
      {showResult ? (
        <tr className={styles.resultRow}>
          <Td colSpan={DEPLOYMENT_COLUMNS} stack="full">
            <div id={resultId} className={styles.result} role="status">
              {test.isSuccess ? (
                <>
                  <Badge tone={test.data.ok ? 'success' : 'danger'} dot>
                    {test.data.ok ? 'Connected' : 'Failed'}
                  </Badge>
                  <span className={styles.resultText}>
                    {test.data.ok ? (
                      <>
                        {deployment.name} answered
                        {test.data.status !== null ? ` HTTP ${test.data.status}` : ''} in{' '}
                        {formatMs(test.data.latencyMs)}.
                      </>
                    ) : (
                      <>
                        {test.data.message}
                        <span className={styles.resultMeta}>
                          {test.data.status !== null ? ` · HTTP ${test.data.status}` : ''} ·{' '}
                          {formatMs(test.data.latencyMs)}
                        </span>
                      </>
                    )}
                  </span>
                </>
              ) : (
                <>
                  <Badge tone="danger" dot>
                    Test not run
                  </Badge>
                  <span className={styles.resultText}>{test.error?.message}</span>
                </>
              )}
              <button
                type="button"
                className={styles.dismiss}
                onClick={() => test.reset()}
                aria-label="Dismiss test result"
              >
                <CloseIcon size={14} />
              </button>
            </div>
          </Td>
        </tr>
      ) : null}
    </>
  );
}
