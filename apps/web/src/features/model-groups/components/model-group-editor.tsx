'use client';

import {
  ROUTING_STRATEGIES,
  type Deployment,
  type ModelGroup,
  type RoutingStrategyName,
  type UpdateDeployment,
} from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useState, type ReactNode } from 'react';
import {
  Button,
  buttonClassName,
  Card,
  CardHeader,
  EmptyState,
  ErrorState,
  Field,
  Input,
  PageHeader,
  Skeleton,
} from '@/components/ui';
import { formErrorsFromApi, NO_FORM_ERRORS, type FormErrors } from '@/components/ui/form-errors';
import { ModelGroupsIcon } from '@/components/ui/icons';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { useUnsavedChanges } from '@/components/ui/unsaved-changes';
import { isApiError } from '@/lib/api-client';
import {
  DeploymentFormDialog,
  type DeploymentFormTarget,
} from '@/features/deployments/components/deployment-form-dialog';
import { groupDeploymentsQueryOptions } from '@/features/deployments/queries';
import { useCan } from '@/features/auth/use-caller';
import {
  buildPolicyPatch,
  changedNumber,
  checkDeploymentNumber,
  draftNumber,
  POLICY_LABELS,
  policyValuesOf,
  type NumberDrafts,
  type PolicyField,
  type PolicyValues,
} from '../policy-form';
import { modelGroupDetailQueryOptions, modelGroupNamesQueryOptions } from '../queries';
import { saveRoutingMutationOptions } from '../save-routing';
import { previewSplit } from '../split-preview';
import { ignoredWeightsNote, STRATEGY_INFO } from '../strategies';
import { DeleteGroupDialog } from './delete-group-dialog';
import { FallbacksPicker } from './fallbacks-picker';
import { SplitEditor, type RowErrors } from './split-editor';
import styles from './model-group-editor.module.css';

/** The routing policy editor of one model group, at /model-groups/[name]. */
export function ModelGroupEditor({ name }: { name: string }) {
  const group = useQuery(modelGroupDetailQueryOptions(name));

  if (group.isPending) return <EditorSkeleton name={name} />;
  // A 404 wins over cached data: the group was deleted (here or elsewhere).
  if (group.isError && (!group.data || (isApiError(group.error) && group.error.status === 404))) {
    if (isApiError(group.error) && group.error.status === 404) {
      return (
        <EmptyState
          icon={<ModelGroupsIcon size={22} />}
          title={`There is no model group named “${name}”`}
          description="It may have been deleted or renamed."
          actions={
            <Link href="/model-groups" className={buttonClassName({ variant: 'primary' })}>
              All model groups
            </Link>
          }
        />
      );
    }
    return (
      <ErrorState
        title="Could not load this model group"
        message={group.error.message}
        onRetry={() => void group.refetch()}
        retrying={group.isFetching}
      />
    );
  }
  return <PolicyEditor group={group.data} />;
}

function BackLink() {
  return (
    <Link href="/model-groups" className={styles.back}>
      ← All model groups
    </Link>
  );
}

function EditorSkeleton({ name }: { name: string }) {
  return (
    <div role="status" aria-label="Loading model group">
      <BackLink />
      <PageHeader title={name} description={<Skeleton width={260} height={16} />} />
      <div className={styles.cards}>
        <Card>
          <Skeleton width={160} height={18} />
          <div className={styles.skeletonBody}>
            <Skeleton width={320} height={36} radius="md" />
            <Skeleton width="70%" height={14} />
          </div>
        </Card>
        <Card>
          <Skeleton width={160} height={18} />
          <div className={styles.skeletonBody}>
            <Skeleton height={48} radius="md" />
            <Skeleton height={48} radius="md" />
          </div>
        </Card>
      </div>
    </div>
  );
}

type SaveNotice = { kind: 'applied'; at: number } | null;

function PolicyEditor({ group }: { group: ModelGroup }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const strategyId = useId();
  const members = useQuery(groupDeploymentsQueryOptions(group.name));
  const groupNames = useQuery(modelGroupNamesQueryOptions());
  const save = useMutation(saveRoutingMutationOptions(queryClient));
  // Without config:write the editor shows the policy but offers nothing to change.
  const readOnly = !useCan('config:write');
  const locked = save.isPending || readOnly;

  // Edits are kept as drafts over the live data, so the 3-second refreshes never overwrite typing.
  const [policyDraft, setPolicyDraft] = useState<Partial<PolicyValues>>({});
  const [weightDrafts, setWeightDrafts] = useState<NumberDrafts>({});
  const [priorityDrafts, setPriorityDrafts] = useState<NumberDrafts>({});
  const [policyErrors, setPolicyErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const [notice, setNotice] = useState<SaveNotice>(null);
  const [formTarget, setFormTarget] = useState<DeploymentFormTarget | null>(null);
  const [deleting, setDeleting] = useState(false);

  const values: PolicyValues = { ...policyValuesOf(group), ...policyDraft };
  const deployments = members.data?.data ?? null;
  const strategyInfo = STRATEGY_INFO[values.strategy];

  const policyResult = buildPolicyPatch(values, group);
  const changedDeployments = (deployments ?? []).flatMap((d) => {
    const patch: UpdateDeployment = {};
    if (changedNumber(weightDrafts, d, 'weight')) patch.weight = draftNumber(weightDrafts, d.id, d.weight);
    if (changedNumber(priorityDrafts, d, 'priority'))
      patch.priority = draftNumber(priorityDrafts, d.id, d.priority) ?? Number.NaN;
    return Object.keys(patch).length > 0 ? [{ deployment: d, patch }] : [];
  });
  const rowErrors: Record<string, RowErrors> = {};
  for (const { deployment, patch } of changedDeployments) {
    const weight = 'weight' in patch ? checkDeploymentNumber('weight', patch.weight ?? null) : null;
    const priority = 'priority' in patch ? checkDeploymentNumber('priority', patch.priority ?? null) : null;
    if (weight || priority) rowErrors[deployment.id] = { weight, priority };
  }
  const policyChanged = !policyResult.ok || policyResult.patch !== null;
  const dirty = policyChanged || changedDeployments.length > 0;
  const leaveGuard = useUnsavedChanges(dirty && !readOnly, {
    description: (
      <>
        You have unsaved routing changes for <strong>{group.name}</strong>. Nothing is applied until you save;
        leaving now drops them.
      </>
    ),
  });

  // The preview uses what is typed now; the server's split is what runs now.
  const liveShares = useMemo(
    () => new Map(group.expectedSplit.map((s) => [s.deploymentId, s.share] as const)),
    [group.expectedSplit],
  );
  const previewShares = useMemo(() => {
    if (!deployments) return new Map<string, number>();
    return previewSplit(
      values.strategy,
      deployments.map((d) => ({
        id: d.id,
        enabled: d.enabled,
        weight: draftNumber(weightDrafts, d.id, d.weight),
        priority: draftNumber(priorityDrafts, d.id, d.priority) ?? 0,
        rpmLimit: d.rpmLimit,
        tpmLimit: d.tpmLimit,
        latencyMs: d.state.latencyMs,
      })),
    );
  }, [deployments, values.strategy, weightDrafts, priorityDrafts]);
  const shares = dirty
    ? previewShares
    : deployments
      ? mergeShares(deployments, liveShares, previewShares)
      : liveShares;

  function edited() {
    if (notice?.kind === 'applied') setNotice(null);
  }

  function setPolicy<K extends keyof PolicyValues>(field: K, value: PolicyValues[K]) {
    setPolicyDraft((draft) => ({ ...draft, [field]: value }));
    setPolicyErrors((errors) =>
      errors.fields[field] ? { ...errors, fields: { ...errors.fields, [field]: undefined } } : errors,
    );
    edited();
  }

  function discard() {
    setPolicyDraft({});
    setWeightDrafts({});
    setPriorityDrafts({});
    setPolicyErrors(NO_FORM_ERRORS);
    setNotice(null);
    save.reset();
  }

  function submit() {
    if (!dirty || locked) return;
    const hasRowErrors = Object.keys(rowErrors).length > 0;
    if (!policyResult.ok) setPolicyErrors(policyResult.errors);
    if (!policyResult.ok || hasRowErrors) {
      toast.error('Nothing was saved', 'Fix the highlighted fields first.');
      return;
    }
    setPolicyErrors(NO_FORM_ERRORS);
    save.mutate(
      { group: group.name, policy: policyResult.patch, deployments: changedDeployments },
      {
        onSuccess: () => {
          discard();
          setNotice({ kind: 'applied', at: Date.now() });
          toast.success(`Saved ${group.name}`, 'Applied live: new requests use this policy now.');
        },
        onError: (error) => {
          setPolicyErrors(formErrorsFromApi(error, POLICY_LABELS, 'policy'));
          toast.error('Nothing was saved', error.message);
        },
      },
    );
  }

  const policyField = (field: PolicyField) => ({
    id: `policy-${field}`,
    error: policyErrors.fields[field] ?? null,
  });
  const weightsNote = ignoredWeightsNote(values.strategy);
  const enabledCount = deployments?.filter((d) => d.enabled).length ?? 0;

  return (
    <>
      <BackLink />
      <PageHeader
        title={group.name}
        description={`${group.deploymentCount} ${group.deploymentCount === 1 ? 'deployment' : 'deployments'} · ${
          STRATEGY_INFO[group.strategy].label
        } · clients call it as model “${group.name}”`}
        actions={
          readOnly ? null : (
            <>
              <Button
                variant="secondary"
                onClick={() => setFormTarget({ mode: 'create', modelGroup: group.name })}
              >
                Add deployment
              </Button>
              <Button variant="ghost" className={styles.dangerText} onClick={() => setDeleting(true)}>
                Delete group
              </Button>
            </>
          )
        }
      />

      <form
        className={styles.cards}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {readOnly ? (
          <InlineAlert tone="info" title="Read-only">
            Your role can see this group’s routing but not change it.
          </InlineAlert>
        ) : null}
        <Card>
          <CardHeader
            title="Routing strategy"
            description="How the gateway picks a deployment for each request."
          />
          <div className={styles.strategy}>
            <Field
              id={strategyId}
              label={POLICY_LABELS.strategy}
              hint={strategyInfo.explanation}
              error={policyErrors.fields.strategy}
            >
              {(control) => (
                <Select
                  id={control.id}
                  aria-describedby={control['aria-describedby']}
                  invalid={control.invalid}
                  value={values.strategy}
                  disabled={locked}
                  onChange={(event) => setPolicy('strategy', event.target.value as RoutingStrategyName)}
                >
                  {ROUTING_STRATEGIES.map((strategy) => (
                    <option key={strategy} value={strategy}>
                      {STRATEGY_INFO[strategy].label}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          </div>
        </Card>

        <Card padding="none">
          <div className={styles.splitHeader}>
            <CardHeader
              title="Traffic split"
              description={
                dirty
                  ? 'Preview of your unsaved changes, computed as you type. The marks show the split running now.'
                  : 'The split the gateway expects under the live policy, in steady state. While a deployment cools down, the others share its part.'
              }
            />
            {weightsNote ? <p className={styles.splitNote}>{weightsNote}</p> : null}
            {members.isError ? (
              <InlineAlert tone="danger" title="Could not load this group's deployments">
                {members.error.message}
              </InlineAlert>
            ) : null}
          </div>
          {deployments !== null && deployments.length === 0 ? (
            <div className={styles.noDeployments}>
              <p>
                No deployments in this group yet: requests for <strong>{group.name}</strong> fail until one is
                added{values.fallbacks.length > 0 ? ' (or a fallback group answers)' : ''}.
              </p>
              {readOnly ? null : (
                <Button
                  variant="primary"
                  onClick={() => setFormTarget({ mode: 'create', modelGroup: group.name })}
                >
                  Add a deployment to {group.name}
                </Button>
              )}
            </div>
          ) : (
            <SplitEditor
              groupName={group.name}
              strategy={values.strategy}
              deployments={members.isError ? [] : deployments}
              weightOf={(d) => weightDrafts[d.id] ?? (d.weight === null ? '' : String(d.weight))}
              priorityOf={(d) => priorityDrafts[d.id] ?? String(d.priority)}
              onWeightChange={(d, value) => {
                setWeightDrafts((drafts) => ({ ...drafts, [d.id]: value }));
                edited();
              }}
              onPriorityChange={(d, value) => {
                setPriorityDrafts((drafts) => ({ ...drafts, [d.id]: value }));
                edited();
              }}
              shares={shares}
              liveShares={dirty ? liveShares : null}
              errors={rowErrors}
              disabled={locked}
            />
          )}
          {deployments !== null && deployments.length > 0 && enabledCount === 0 ? (
            <div className={styles.splitFooter}>
              <InlineAlert tone="warn">
                Every deployment in this group is disabled: requests for {group.name} fail
                {values.fallbacks.length > 0 ? ' over to its fallbacks' : ''}.
              </InlineAlert>
            </div>
          ) : null}
        </Card>

        <Card>
          <CardHeader
            title="Retries, fallbacks and timeouts"
            description="What happens when a deployment fails or is slow."
          />
          <div className={styles.policyGrid}>
            <NumberField
              {...policyField('numRetries')}
              label={POLICY_LABELS.numRetries}
              hint="Extra attempts on another deployment after a retryable failure (0–10)."
              value={values.numRetries}
              onChange={(v) => setPolicy('numRetries', v)}
              disabled={locked}
            />
            <NumberField
              {...policyField('allowedFails')}
              label={POLICY_LABELS.allowedFails}
              hint="Failures within a minute tolerated; the next one cools the deployment down (0: the first does)."
              value={values.allowedFails}
              onChange={(v) => setPolicy('allowedFails', v)}
              disabled={locked}
            />
            <NumberField
              {...policyField('cooldownSeconds')}
              label={POLICY_LABELS.cooldownSeconds}
              hint="How long a failing deployment is taken out of rotation."
              unit="s"
              value={values.cooldownSeconds}
              onChange={(v) => setPolicy('cooldownSeconds', v)}
              disabled={locked}
            />
            <NumberField
              {...policyField('maxCooldownSeconds')}
              label={POLICY_LABELS.maxCooldownSeconds}
              hint="No single failure benches a deployment for longer, whatever Retry-After the upstream sends."
              unit="s"
              value={values.maxCooldownSeconds}
              onChange={(v) => setPolicy('maxCooldownSeconds', v)}
              disabled={locked}
            />
            <NumberField
              {...policyField('timeoutMs')}
              label={POLICY_LABELS.timeoutMs}
              hint="Per attempt, unless a deployment sets its own. Empty = the whole-request deadline (UPSTREAM_TIMEOUT_MS, 600,000 ms)."
              unit="ms"
              placeholder="600000"
              value={values.timeoutMs}
              onChange={(v) => setPolicy('timeoutMs', v)}
              disabled={locked}
            />
            <NumberField
              {...policyField('streamIdleTimeoutMs')}
              label={POLICY_LABELS.streamIdleTimeoutMs}
              hint="Longest wait between streamed chunks. Empty = 300,000 ms."
              unit="ms"
              placeholder="300000"
              value={values.streamIdleTimeoutMs}
              onChange={(v) => setPolicy('streamIdleTimeoutMs', v)}
              disabled={locked}
            />
          </div>
          <div className={styles.fallbacks}>
            <FallbacksPicker
              self={group.name}
              value={values.fallbacks}
              options={groupNames.data ?? []}
              onChange={(next) => setPolicy('fallbacks', next)}
              error={policyErrors.fields.fallbacks}
              disabled={locked}
              readOnly={readOnly}
            />
          </div>
        </Card>

        {policyErrors.other.length > 0 ? (
          <InlineAlert tone="danger" title="Nothing was saved">
            {policyErrors.other.join(' ')}
          </InlineAlert>
        ) : null}

        {readOnly ? null : (
          <div
            className={styles.saveBar}
            data-dirty={dirty || undefined}
            data-pinned={dirty || save.isPending || notice !== null || undefined}
          >
            <div className={styles.saveStatus} role="status">
              {save.isPending ? (
                'Applying…'
              ) : dirty ? (
                'Unsaved changes: nothing is applied until you save.'
              ) : notice?.kind === 'applied' ? (
                <span className={styles.applied}>Applied live — new requests use this policy now.</span>
              ) : (
                'No unsaved changes.'
              )}
            </div>
            <div className={styles.saveActions}>
              <Button variant="ghost" onClick={discard} disabled={!dirty || save.isPending}>
                Discard changes
              </Button>
              <Button type="submit" variant="primary" disabled={!dirty} loading={save.isPending}>
                Save
              </Button>
            </div>
          </div>
        )}
      </form>

      {readOnly ? null : (
        <>
          <DeploymentFormDialog target={formTarget} onClose={() => setFormTarget(null)} />
          <DeleteGroupDialog
            group={deleting ? group : null}
            onClose={() => setDeleting(false)}
            onDeleted={() => router.push('/model-groups' as Route)}
          />
        </>
      )}
      {leaveGuard.prompt}
    </>
  );
}

/** While nothing is edited, show the server's split; deployments it does not list (disabled) get 0. */
function mergeShares(
  deployments: Deployment[],
  live: Map<string, number>,
  preview: Map<string, number>,
): Map<string, number> {
  if (live.size === 0) return preview;
  return new Map(deployments.map((d) => [d.id, live.get(d.id) ?? 0] as const));
}

function NumberField({
  id,
  label,
  hint,
  error,
  unit,
  placeholder,
  value,
  onChange,
  disabled,
}: {
  id: string;
  label: string;
  hint: ReactNode;
  error: string | null;
  unit?: string;
  placeholder?: string;
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
}) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(control) => (
        <Input
          {...control}
          inputMode="numeric"
          placeholder={placeholder}
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value)}
          endAdornment={unit ? <span className={styles.unit}>{unit}</span> : undefined}
        />
      )}
    </Field>
  );
}
