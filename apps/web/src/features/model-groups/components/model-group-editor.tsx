'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { ROUTING_STRATEGIES, type Deployment, type ModelGroup } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  Controller,
  get,
  useForm,
  useWatch,
  type FieldErrors,
  type KeepStateOptions,
  type UseFormRegisterReturn,
} from 'react-hook-form';
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
import { formErrorsFromApi } from '@/components/ui/form-errors';
import { ModelGroupsIcon } from '@/components/ui/icons';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { toast, useToastClearance } from '@/components/ui/toast';
import { useUnsavedChanges } from '@/components/ui/unsaved-changes';
import { isApiError } from '@/lib/api-client';
import {
  DeploymentFormDialog,
  type DeploymentFormTarget,
} from '@/features/deployments/components/deployment-form-dialog';
import { groupDeploymentsQueryOptions } from '@/features/deployments/queries';
import { useCan } from '@/features/auth/use-caller';
import {
  editedFields,
  hasField,
  POLICY_LABELS,
  routingChanges,
  routingFormSchema,
  routingValuesOf,
  typedNumber,
  type PolicyField,
  type RoutingFieldPath,
  type RoutingFormValues,
  type RoutingValues,
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

/** Where the editor's fields sit on the page, top to bottom: the first invalid one gets the focus. */
const POLICY_FIELD_ORDER = [
  'numRetries',
  'allowedFails',
  'cooldownSeconds',
  'maxCooldownSeconds',
  'timeoutMs',
  'streamIdleTimeoutMs',
  'fallbacks',
] as const satisfies readonly PolicyField[];

/** A background refresh keeps what the operator typed and the errors shown. */
const REBASE: KeepStateOptions = { keepErrors: true, keepIsSubmitted: true, keepSubmitCount: true };

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

  const deployments = members.data?.data ?? null;
  const server = useMemo(() => routingValuesOf(group, deployments), [group, deployments]);
  const {
    control,
    register,
    handleSubmit,
    reset,
    setValue,
    getValues,
    setError,
    setFocus,
    trigger,
    watch,
    formState: { errors, isDirty },
  } = useForm<RoutingFormValues, unknown, RoutingValues>({
    resolver: zodResolver(routingFormSchema),
    defaultValues: server,
    // Focus follows the page's order (rows before the retries), see focusFirstInvalid.
    shouldFocusError: false,
  });
  const [notice, setNotice] = useState<SaveNotice>(null);
  const [formTarget, setFormTarget] = useState<DeploymentFormTarget | null>(null);
  const [deleting, setDeleting] = useState(false);

  // What the form was last reset to: the server's values then. Fields that differ from it are the edits.
  const base = useRef(server);
  // The group and its deployments refresh every few seconds (and change when another operator saves):
  // untouched fields follow the server, edited ones keep what was typed.
  useEffect(() => {
    const previous = base.current;
    if (JSON.stringify(previous) === JSON.stringify(server)) return;
    const edits = editedFields(previous, getValues());
    base.current = server;
    reset(server, REBASE);
    for (const { path, value } of edits) {
      if (hasField(server, path)) setValue(path, value, { shouldDirty: true });
    }
  }, [server, getValues, reset, setValue]);

  // An edit after a save: the "applied" note no longer describes what is on screen.
  useEffect(() => {
    const subscription = watch((_values, { type }) => {
      if (type === 'change') setNotice(null);
    });
    return () => subscription.unsubscribe();
  }, [watch]);

  const [strategy, weights, priorities, fallbacks] = useWatch({
    control,
    name: ['strategy', 'weights', 'priorities', 'fallbacks'],
  });
  const dirty = isDirty;
  const strategyInfo = STRATEGY_INFO[strategy];
  // Pinned to the bottom of the window while there is something to save or say; toasts keep above it.
  const saveBar = useRef<HTMLDivElement>(null);
  const pinned = !readOnly && (dirty || save.isPending || notice !== null);
  useToastClearance(saveBar, pinned);
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
      strategy,
      deployments.map((d) => ({
        id: d.id,
        enabled: d.enabled,
        weight: typedNumber(weights[d.id], d.weight),
        priority: typedNumber(priorities[d.id], d.priority) ?? 0,
        rpmLimit: d.rpmLimit,
        tpmLimit: d.tpmLimit,
        latencyMs: d.state.latencyMs,
      })),
    );
  }, [deployments, strategy, weights, priorities]);
  const shares = dirty
    ? previewShares
    : deployments
      ? mergeShares(deployments, liveShares, previewShares)
      : liveShares;

  const showPriority = STRATEGY_INFO[strategy].uses === 'priority';
  function focusFirstInvalid(found: FieldErrors<RoutingFormValues>) {
    const order: RoutingFieldPath[] = [
      'strategy',
      ...(deployments ?? []).flatMap((d): RoutingFieldPath[] =>
        showPriority ? [`weights.${d.id}`, `priorities.${d.id}`] : [`weights.${d.id}`],
      ),
      ...POLICY_FIELD_ORDER,
    ];
    const first = order.find((path) => get(found, path) !== undefined);
    if (first) setFocus(first);
  }

  /** Back to `values` (the server's, or what was just saved): nothing edited, no errors. */
  function resetTo(values: RoutingFormValues) {
    base.current = values;
    reset(values);
    setNotice(null);
    save.reset();
  }

  function saveRouting(routing: RoutingValues) {
    if (locked) return;
    const changes = routingChanges(routing, group, deployments ?? []);
    // Only the spelling changed (e.g. "02" for 2): nothing to send.
    if (changes.policy === null && changes.deployments.length === 0) return resetTo(server);
    save.mutate(
      { group: group.name, ...changes },
      {
        onSuccess: (saved) => {
          const savedDeployments = (deployments ?? []).map((d) => {
            const change = changes.deployments.find((c) => c.id === d.id);
            return change ? { ...d, ...change } : d;
          });
          resetTo(routingValuesOf(saved, savedDeployments));
          setNotice({ kind: 'applied', at: Date.now() });
          toast.success(`Saved ${group.name}`, 'Applied live: new requests use this policy now.');
        },
        onError: (error) => {
          const found = formErrorsFromApi(error, POLICY_LABELS, 'policy');
          for (const [field, message] of Object.entries(found.fields)) {
            if (message && field in POLICY_LABELS)
              setError(field as PolicyField, { type: 'server', message });
          }
          if (found.other.length > 0)
            setError('root.server', { type: 'server', message: found.other.join(' ') });
          focusFirstInvalid(
            Object.fromEntries(Object.keys(found.fields).map((field) => [field, { type: 'server' }])),
          );
          toast.error('Nothing was saved', error.message);
        },
      },
    );
  }

  const submit = handleSubmit(saveRouting, (found) => {
    focusFirstInvalid(found);
    toast.error('Nothing was saved', 'Fix the highlighted fields first.');
  });

  const rowErrors: Record<string, RowErrors> = {};
  for (const d of deployments ?? []) {
    const weight = errors.weights?.[d.id]?.message ?? null;
    const priority = errors.priorities?.[d.id]?.message ?? null;
    if (weight || priority) rowErrors[d.id] = { weight, priority };
  }
  // A weight or priority is checked as it is typed; the policy fields when saving.
  const rowField = (path: `weights.${string}` | `priorities.${string}`) =>
    register(path, { onChange: () => void trigger(path) });
  const formError = [errors.root?.message, errors.root?.server?.message].filter(Boolean).join(' ');
  const numberField = (field: Exclude<PolicyField, 'strategy' | 'fallbacks'>) => ({
    id: `policy-${field}`,
    label: POLICY_LABELS[field],
    error: errors[field]?.message ?? null,
    registration: register(field),
    disabled: locked,
  });
  const weightsNote = ignoredWeightsNote(strategy);
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
          if (!dirty || locked) {
            event.preventDefault();
            return;
          }
          void submit(event);
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
              error={errors.strategy?.message}
            >
              {(fieldControl) => (
                <Select
                  id={fieldControl.id}
                  aria-describedby={fieldControl['aria-describedby']}
                  invalid={fieldControl.invalid}
                  disabled={locked}
                  {...register('strategy')}
                >
                  {ROUTING_STRATEGIES.map((name) => (
                    <option key={name} value={name}>
                      {STRATEGY_INFO[name].label}
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
                added{fallbacks.length > 0 ? ' (or a fallback group answers)' : ''}.
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
              strategy={strategy}
              deployments={members.isError ? [] : deployments}
              weightField={(d) => rowField(`weights.${d.id}`)}
              priorityField={(d) => rowField(`priorities.${d.id}`)}
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
                {fallbacks.length > 0 ? ' over to its fallbacks' : ''}.
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
              {...numberField('numRetries')}
              hint="Extra attempts on another deployment after a retryable failure (0–10)."
            />
            <NumberField
              {...numberField('allowedFails')}
              hint="Failures within a minute tolerated; the next one cools the deployment down (0: the first does)."
            />
            <NumberField
              {...numberField('cooldownSeconds')}
              hint="How long a failing deployment is taken out of rotation."
              unit="s"
            />
            <NumberField
              {...numberField('maxCooldownSeconds')}
              hint="No single failure benches a deployment for longer, whatever Retry-After the upstream sends."
              unit="s"
            />
            <NumberField
              {...numberField('timeoutMs')}
              hint="Per attempt, unless a deployment sets its own. Empty = the whole-request deadline (UPSTREAM_TIMEOUT_MS, 600,000 ms)."
              unit="ms"
              placeholder="600000"
            />
            <NumberField
              {...numberField('streamIdleTimeoutMs')}
              hint="Longest wait between streamed chunks. Empty = 300,000 ms."
              unit="ms"
              placeholder="300000"
            />
          </div>
          <div className={styles.fallbacks}>
            <Controller
              control={control}
              name="fallbacks"
              render={({ field, fieldState }) => (
                <FallbacksPicker
                  self={group.name}
                  value={field.value}
                  options={groupNames.data ?? []}
                  onChange={field.onChange}
                  addRef={field.ref}
                  error={fieldState.error?.message}
                  disabled={locked}
                  readOnly={readOnly}
                />
              )}
            />
          </div>
        </Card>

        {formError ? (
          <InlineAlert tone="danger" title="Nothing was saved">
            {formError}
          </InlineAlert>
        ) : null}

        {readOnly ? null : (
          <div
            ref={saveBar}
            className={styles.saveBar}
            data-dirty={dirty || undefined}
            data-pinned={pinned || undefined}
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
              <Button variant="ghost" onClick={() => resetTo(server)} disabled={!dirty || save.isPending}>
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
  registration,
  disabled,
}: {
  id: string;
  label: string;
  hint: ReactNode;
  error: string | null;
  unit?: string;
  placeholder?: string;
  registration: UseFormRegisterReturn;
  disabled: boolean;
}) {
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      {(control) => (
        <Input
          {...control}
          {...registration}
          inputMode="numeric"
          placeholder={placeholder}
          disabled={disabled}
          endAdornment={unit ? <span className={styles.unit}>{unit}</span> : undefined}
        />
      )}
    </Field>
  );
}
