import {
  ROUTING_STRATEGIES,
  saveGroupRoutingSchema,
  type Deployment,
  type ModelGroup,
  type SaveGroupRouting,
  type UpdateModelGroup,
} from '@switchboard/contracts';
import { z } from 'zod';
import { formErrorsFromZod, parseOptionalNumber } from '@/components/ui/form-errors';

export const POLICY_LABELS = {
  strategy: 'Strategy',
  numRetries: 'Retries',
  allowedFails: 'Allowed fails',
  cooldownSeconds: 'Cooldown',
  maxCooldownSeconds: 'Longest cooldown',
  timeoutMs: 'Timeout',
  streamIdleTimeoutMs: 'Stream idle timeout',
  fallbacks: 'Fallbacks',
} as const;

export type PolicyField = keyof typeof POLICY_LABELS;

const ROW_LABELS = { weight: 'Weight', priority: 'Priority' } as const;

/**
 * The routing editor as the inputs hold it (numbers as typed): the group's policy and, per deployment
 * id, its weight and priority.
 */
const routingFormValuesSchema = z.object({
  strategy: z.enum(ROUTING_STRATEGIES),
  numRetries: z.string(),
  allowedFails: z.string(),
  cooldownSeconds: z.string(),
  maxCooldownSeconds: z.string(),
  timeoutMs: z.string(),
  streamIdleTimeoutMs: z.string(),
  fallbacks: z.array(z.string()),
  weights: z.record(z.string(), z.string()),
  priorities: z.record(z.string(), z.string()),
});
export type RoutingFormValues = z.input<typeof routingFormValuesSchema>;

/** What the form means: the whole policy and every deployment's routing numbers. */
export interface RoutingValues {
  policy: Pick<ModelGroup, PolicyField>;
  deployments: { id: string; weight: number | null; priority: number }[];
}

/** The fields a save sends: the policy fields and the deployments that changed. */
export interface RoutingChangeSet {
  /** `null` when the policy is unchanged. */
  policy: UpdateModelGroup | null;
  deployments: NonNullable<SaveGroupRouting['deployments']>;
}

const text = (n: number | null) => (n === null ? '' : String(n));

/** The form's values for the group as the server has it (deployments: `null` while they load). */
export function routingValuesOf(
  group: ModelGroup,
  deployments: readonly Deployment[] | null,
): RoutingFormValues {
  return {
    strategy: group.strategy,
    numRetries: String(group.numRetries),
    allowedFails: String(group.allowedFails),
    cooldownSeconds: String(group.cooldownSeconds),
    maxCooldownSeconds: String(group.maxCooldownSeconds),
    timeoutMs: text(group.timeoutMs),
    streamIdleTimeoutMs: text(group.streamIdleTimeoutMs),
    fallbacks: [...group.fallbacks],
    weights: Object.fromEntries((deployments ?? []).map((d) => [d.id, text(d.weight)])),
    priorities: Object.fromEntries((deployments ?? []).map((d) => [d.id, String(d.priority)])),
  };
}

/** Required numbers: empty is an error (NaN), not "unset". */
const required = (raw: string) => parseOptionalNumber(raw) ?? Number.NaN;

function routingOf(values: RoutingFormValues): RoutingValues {
  return {
    policy: {
      strategy: values.strategy,
      numRetries: required(values.numRetries),
      allowedFails: required(values.allowedFails),
      cooldownSeconds: required(values.cooldownSeconds),
      maxCooldownSeconds: required(values.maxCooldownSeconds),
      timeoutMs: parseOptionalNumber(values.timeoutMs),
      streamIdleTimeoutMs: parseOptionalNumber(values.streamIdleTimeoutMs),
      fallbacks: values.fallbacks,
    },
    // An emptied weight is "no weight" (null); an emptied priority would silently mean 0, so it is refused.
    deployments: Object.entries(values.weights).map(([id, weight]) => ({
      id,
      weight: parseOptionalNumber(weight),
      priority: required(values.priorities[id] ?? ''),
    })),
  };
}

interface FieldIssue {
  path: string[];
  message: string;
}

/**
 * The contract's issues on the whole routing body, as messages on the form's fields in the words
 * `formErrorsFromZod` uses everywhere else ("Must be 0 or more.", "Enter a whole number.").
 */
function fieldIssues(error: z.ZodError, routing: RoutingValues): FieldIssue[] {
  const policy: z.core.$ZodIssue[] = [];
  const rows = new Map<string, z.core.$ZodIssue[]>();
  const other: string[] = [];
  for (const issue of error.issues) {
    const [head, index, ...rest] = issue.path;
    const id =
      head === 'deployments' && typeof index === 'number' ? routing.deployments[index]?.id : undefined;
    if (head === 'policy') policy.push({ ...issue, path: issue.path.slice(1) });
    else if (id !== undefined) rows.set(id, [...(rows.get(id) ?? []), { ...issue, path: rest }]);
    else other.push(issue.message);
  }
  const result: FieldIssue[] = [];
  const policyErrors = formErrorsFromZod(new z.ZodError(policy), POLICY_LABELS);
  for (const [field, message] of Object.entries(policyErrors.fields)) {
    if (message) result.push({ path: [field], message });
  }
  other.push(...policyErrors.other);
  for (const [id, issues] of rows) {
    const rowErrors = formErrorsFromZod(new z.ZodError(issues), ROW_LABELS);
    const { weight, priority } = rowErrors.fields;
    if (weight) result.push({ path: ['weights', id], message: weight });
    if (priority) result.push({ path: ['priorities', id], message: priority });
    other.push(...rowErrors.other);
  }
  if (other.length > 0) result.push({ path: ['root'], message: other.join(' ') });
  return result;
}

/**
 * The form's schema for `zodResolver`: the values as typed become the routing body of
 * PUT /api/model-groups/:name/routing, checked with the API's own `saveGroupRoutingSchema`; each issue
 * lands on the field it is about.
 */
export const routingFormSchema = routingFormValuesSchema.transform((values, ctx): RoutingValues => {
  const routing = routingOf(values);
  const checked = saveGroupRoutingSchema.safeParse(routing);
  if (checked.success) return routing;
  for (const { path, message } of fieldIssues(checked.error, routing)) {
    ctx.addIssue({ code: 'custom', path, message });
  }
  return z.NEVER;
});

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Only what differs from the server: the request body of a save, `{ policy: null, deployments: [] }` for none. */
export function routingChanges(
  routing: RoutingValues,
  group: ModelGroup,
  deployments: readonly Deployment[],
): RoutingChangeSet {
  const patch: Record<string, unknown> = {};
  for (const field of Object.keys(POLICY_LABELS) as PolicyField[]) {
    const next = routing.policy[field];
    const current = group[field];
    const same =
      Array.isArray(next) && Array.isArray(current) ? sameList(next, current) : Object.is(next, current);
    if (!same) patch[field] = next;
  }
  const byId = new Map(routing.deployments.map((d) => [d.id, d] as const));
  const changed = deployments.flatMap((d) => {
    const typed = byId.get(d.id);
    if (!typed) return [];
    const change: RoutingChangeSet['deployments'][number] = { id: d.id };
    if (!Object.is(typed.weight, d.weight)) change.weight = typed.weight;
    if (!Object.is(typed.priority, d.priority)) change.priority = typed.priority;
    return Object.keys(change).length > 1 ? [change] : [];
  });
  return {
    policy: Object.keys(patch).length > 0 ? (patch as UpdateModelGroup) : null,
    deployments: changed,
  };
}

/** The number the split preview uses for a typed weight or priority (NaN while it is not a number). */
export function typedNumber(typed: string | undefined, current: number | null): number | null {
  return typed === undefined ? current : parseOptionalNumber(typed);
}

/** A form field's path, as react-hook-form names it. */
export type RoutingFieldPath =
  Exclude<keyof RoutingFormValues, 'weights' | 'priorities'> | `weights.${string}` | `priorities.${string}`;

/**
 * The operator's edits: every field whose value differs from `base` (what the form was last reset to).
 * When the server's group changes underneath, these stay as typed and everything else follows the server.
 */
export function editedFields(
  base: RoutingFormValues,
  current: RoutingFormValues,
): { path: RoutingFieldPath; value: string | string[] }[] {
  const edits: { path: RoutingFieldPath; value: string | string[] }[] = [];
  for (const field of Object.keys(POLICY_LABELS) as PolicyField[]) {
    const next = current[field];
    const was = base[field];
    const same = Array.isArray(next) && Array.isArray(was) ? sameList(next, was) : next === was;
    if (!same) edits.push({ path: field, value: next });
  }
  for (const kind of ['weights', 'priorities'] as const) {
    for (const [id, value] of Object.entries(current[kind])) {
      // A row the form was not reset with yet (its input registered first, empty) holds no edit.
      if (id in base[kind] && base[kind][id] !== value) edits.push({ path: `${kind}.${id}`, value });
    }
  }
  return edits;
}

/** Whether the form's field exists in `values` (a deployment may have left the group). */
export function hasField(values: RoutingFormValues, path: RoutingFieldPath): boolean {
  const [kind, id] = path.split(/\.(.*)/s) as [string, string | undefined];
  if (id === undefined) return true;
  return id in (kind === 'weights' ? values.weights : values.priorities);
}
