import type { ImportPlan, RoutingStrategyName } from '@switchboard/contracts';
import { createModelGroupSchema } from '@switchboard/contracts';
import type { CreateDeploymentInput, UpdateDeploymentInput } from '../deployments/deployment.service';
import type { CreateModelGroupInput, UpdateModelGroupInput } from '../model-groups/model-group.service';
import { normaliseStrategy } from '../routing/routing.types';
import type { ImportedDeployment, ImportedGroupPolicy, LiteLLMImport } from './litellm-config.reader';

/** A model group as stored, for comparison. */
export interface CurrentGroup {
  name: string;
  strategy: string;
  numRetries: number;
  fallbacks: string[];
  allowedFails: number;
  cooldownSeconds: number;
  timeoutMs: number | null;
  streamIdleTimeoutMs: number | null;
}

/** A deployment as stored, for comparison; its key stays encrypted until `sameKey` looks at it. */
export interface CurrentDeployment {
  id: string;
  name: string;
  modelGroup: string;
  provider: string;
  model: string;
  apiBase: string | null;
  apiKeyEncrypted: string | null;
  apiVersion: string | null;
  weight: number | null;
  priority: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  timeoutMs: number | null;
  tags: string[];
}

export interface CurrentState {
  groups: CurrentGroup[];
  deployments: CurrentDeployment[];
}

export type ImportChange = ImportPlan['changes'][number];

/** What applying the plan takes, in order. */
export interface ImportOperations {
  createGroups: CreateModelGroupInput[];
  updateGroups: { name: string; patch: UpdateModelGroupInput }[];
  createDeployments: CreateDeploymentInput[];
  updateDeployments: { id: string; name: string; patch: UpdateDeploymentInput }[];
}

export interface PlannedImport {
  changes: ImportChange[];
  warnings: string[];
  operations: ImportOperations;
}

const GROUP_FIELDS = [
  'strategy',
  'numRetries',
  'fallbacks',
  'allowedFails',
  'cooldownSeconds',
  'timeoutMs',
  'streamIdleTimeoutMs',
] as const satisfies readonly (keyof ImportedGroupPolicy)[];

const DEPLOYMENT_FIELDS = [
  'modelGroup',
  'provider',
  'model',
  'apiBase',
  'apiKey',
  'apiVersion',
  'weight',
  'priority',
  'rpmLimit',
  'tpmLimit',
  'timeoutMs',
  'tags',
] as const satisfies readonly (keyof ImportedDeployment)[];

type FieldChange = ImportChange['diff'][number];

/** A value as the plan shows it; keys are never shown. */
function display(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

function fieldChange(field: string, before: unknown, after: unknown): FieldChange {
  return field === 'apiKey'
    ? { field, before: null, after: null }
    : { field, before: display(before), after: display(after) };
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/**
 * Compares what the file describes with what is stored. Groups compare only the policy fields the file
 * sets (a missing router setting leaves an existing group alone); deployments compare every field the
 * file can express (`enabled` is the console's business and never changes through an import).
 * `sameKey` answers whether a stored (encrypted) key equals the file's.
 */
export function planImport(
  imported: LiteLLMImport,
  current: CurrentState,
  sameKey: (encrypted: string | null, key: string | null) => boolean,
): PlannedImport {
  const warnings = [...imported.warnings];
  const groupsByName = new Map(current.groups.map((g) => [g.name, g]));
  const deploymentsByName = new Map(current.deployments.map((d) => [d.name, d]));
  const known = new Set([...groupsByName.keys(), ...imported.groups.map((g) => g.name)]);
  const changes: ImportChange[] = [];
  const operations: ImportOperations = {
    createGroups: [],
    updateGroups: [],
    createDeployments: [],
    updateDeployments: [],
  };

  for (const group of imported.groups) {
    const policy = { ...group.policy };
    if (policy.fallbacks) policy.fallbacks = checkFallbacks(group.name, policy.fallbacks, known, warnings);
    const existing = groupsByName.get(group.name);
    if (!existing) {
      operations.createGroups.push(createModelGroupSchema.parse({ name: group.name, ...policy }));
      const set = GROUP_FIELDS.filter((f) => policy[f] !== undefined);
      changes.push({
        action: 'create',
        kind: 'modelGroup',
        name: group.name,
        fields: [],
        diff: set.map((f) => fieldChange(f, null, policy[f])),
      });
      continue;
    }
    const stored = { ...existing, strategy: storedStrategy(existing.strategy) };
    const fields = GROUP_FIELDS.filter((f) => policy[f] !== undefined && !same(policy[f], stored[f]));
    if (fields.length === 0) {
      changes.push({ action: 'unchanged', kind: 'modelGroup', name: group.name, fields: [], diff: [] });
      continue;
    }
    const patch: UpdateModelGroupInput = {};
    for (const f of fields) Object.assign(patch, { [f]: policy[f] });
    operations.updateGroups.push({ name: group.name, patch });
    changes.push({
      action: 'update',
      kind: 'modelGroup',
      name: group.name,
      fields: [...fields],
      diff: fields.map((f) => fieldChange(f, stored[f], policy[f])),
    });
  }

  for (const file of imported.deployments) {
    const { aliases, proposedName, ...read } = file;
    // A file imported under an earlier naming rule finds its deployment by that name.
    const existing =
      deploymentsByName.get(read.name) ??
      aliases.map((a) => deploymentsByName.get(a)).find((x) => x?.modelGroup === read.modelGroup);
    const d = { ...read, name: existing?.name ?? read.name };
    const base = {
      kind: 'deployment' as const,
      name: d.name,
      modelGroup: d.modelGroup,
      ...(proposedName && proposedName !== d.name ? { proposedName } : {}),
    };
    if (existing && existing.modelGroup !== d.modelGroup) {
      warnings.push(
        `Deployment '${d.name}' is in model group '${existing.modelGroup}'; importing moves it to '${d.modelGroup}'. Rename it in the plan to keep both.`,
      );
    }
    if (!existing) {
      operations.createDeployments.push({ ...d, enabled: true });
      const set = DEPLOYMENT_FIELDS.filter(
        (f) => f !== 'modelGroup' && d[f] !== null && !(Array.isArray(d[f]) && d[f].length === 0),
      );
      changes.push({
        ...base,
        action: 'create',
        fields: [],
        diff: set.map((f) => fieldChange(f, null, d[f])),
      });
      continue;
    }
    const fields: string[] = DEPLOYMENT_FIELDS.filter((f) =>
      f === 'apiKey' ? !sameKey(existing.apiKeyEncrypted, d.apiKey) : !same(d[f], existing[f]),
    );
    if (fields.length === 0) {
      changes.push({ ...base, action: 'unchanged', fields: [], diff: [] });
      continue;
    }
    const patch: UpdateDeploymentInput = {};
    for (const f of fields) Object.assign(patch, { [f]: d[f as keyof typeof d] });
    operations.updateDeployments.push({ id: existing.id, name: d.name, patch });
    changes.push({
      ...base,
      action: 'update',
      fields,
      diff: fields.map((f) => fieldChange(f, existing[f as keyof CurrentDeployment], d[f as keyof typeof d])),
    });
  }

  const importedNames = new Set(changes.filter((c) => c.kind === 'deployment').map((c) => c.name));
  const importedGroups = new Set(imported.groups.map((g) => g.name));
  const left = current.deployments.filter(
    (d) => importedGroups.has(d.modelGroup) && !importedNames.has(d.name),
  );
  if (left.length > 0) {
    warnings.push(
      `Not in the file, left as they are (an import never deletes): ${left.map((d) => `'${d.name}' (${d.modelGroup})`).join(', ')}.`,
    );
  }
  return { changes, warnings, operations };
}

/** Fallbacks must name other groups that exist or are being imported; the rest is dropped with a warning. */
function checkFallbacks(
  group: string,
  fallbacks: string[],
  known: Set<string>,
  warnings: string[],
): string[] {
  const kept: string[] = [];
  for (const target of fallbacks) {
    if (kept.includes(target)) continue;
    if (target === group)
      warnings.push(`fallbacks for '${group}': a group cannot fall back to itself; ignored.`);
    else if (!known.has(target))
      warnings.push(
        `fallbacks for '${group}': there is no model group '${target}' here or in the file; ignored.`,
      );
    else kept.push(target);
  }
  return kept.slice(0, 10);
}

function storedStrategy(name: string): RoutingStrategyName | string {
  return normaliseStrategy(name) ?? name;
}

export function summarise(changes: ImportChange[]): ImportPlan['summary'] {
  const count = (action: ImportChange['action']) => changes.filter((c) => c.action === action).length;
  return { create: count('create'), update: count('update'), unchanged: count('unchanged') };
}
