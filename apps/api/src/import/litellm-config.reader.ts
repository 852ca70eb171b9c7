import {
  type Capability,
  createDeploymentSchema,
  modelGroupPolicyFields,
  nameSchema,
  type ProviderKind,
  type RoutingStrategyName,
} from '@switchboard/contracts';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { AdminError } from '../common/errors';
import { normaliseStrategy } from '../routing/routing.types';
import { effectiveApiBase, resolveLiteLLMModel } from './litellm-providers';

/**
 * Reads a parsed LiteLLM proxy `config.yaml` into the model groups and deployments Switchboard would
 * hold. Pure: the environment is passed in, nothing is written. Every key it does not understand ends
 * up in `warnings`; nothing is dropped silently.
 */

/**
 * Where `os.environ/NAME` references are looked up: only values supplied with the import (and the
 * file's own `environment_variables`), never the gateway's environment, which holds its secrets.
 */
export type EnvLookup = (name: string) => string | undefined;

/** Resolves nothing: every reference is reported as missing. */
export const noEnv: EnvLookup = () => undefined;

export interface ImportedGroupPolicy {
  strategy?: RoutingStrategyName;
  numRetries?: number;
  fallbacks?: string[];
  allowedFails?: number;
  cooldownSeconds?: number;
  timeoutMs?: number | null;
  streamIdleTimeoutMs?: number | null;
}

/** A model group as the file describes it: only the policy fields the file sets. */
export interface ImportedGroup {
  name: string;
  policy: ImportedGroupPolicy;
}

export interface ImportedDeployment {
  name: string;
  /** Names this deployment had under earlier naming rules, so re-importing an old file updates it. */
  aliases: string[];
  /** The name the file gave it, when the operator renamed it (`names` in the request). */
  proposedName?: string;
  modelGroup: string;
  provider: ProviderKind;
  model: string;
  apiBase: string | null;
  apiKey: string | null;
  apiVersion: string | null;
  weight: number | null;
  priority: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  timeoutMs: number | null;
  tags: string[];
  /** From LiteLLM's `model_info.mode` (chat, embedding, …); empty = the provider's defaults. */
  capabilities: Capability[];
}

/** LiteLLM's `model_info.mode` → what the deployment serves. */
const MODE_CAPABILITIES: Readonly<Record<string, Capability[]>> = {
  chat: ['chat'],
  completion: ['completions'],
  embedding: ['embeddings'],
  rerank: ['rerank'],
  audio_speech: ['audio.speech'],
  audio_transcription: ['audio.transcriptions'],
};

export interface LiteLLMImport {
  groups: ImportedGroup[];
  deployments: ImportedDeployment[];
  /** `general_settings.master_key`, resolved; null when the file has none. */
  masterKey: string | null;
  warnings: string[];
  /** References that were not supplied, with the deployments they block and other places using them. */
  unresolved: { variable: string; deployments: string[]; paths: string[] }[];
  /** Deployments left out because a reference in them was not supplied. */
  skipped: { name: string; modelGroup: string; variables: string[] }[];
}

export interface Problem {
  path: string;
  message: string;
}

/** The top-level section Switchboard adds on export for what LiteLLM's format cannot say per group. */
export const SWITCHBOARD_SECTION = 'switchboard';
/** model_info key carrying the Switchboard deployment name, so export → import finds the same deployment. */
export const DEPLOYMENT_NAME_KEY = 'switchboard_deployment';

const ENV_PREFIX = 'os.environ/';
const TOP_LEVEL = new Set([
  'model_list',
  'router_settings',
  'litellm_settings',
  'general_settings',
  'environment_variables',
  SWITCHBOARD_SECTION,
]);
const ENTRY_KEYS = new Set(['model_name', 'litellm_params', 'model_info']);
const PARAM_KEYS = new Set([
  'model',
  'custom_llm_provider',
  'api_key',
  'api_base',
  'api_version',
  'rpm',
  'tpm',
  'weight',
  'order',
  'timeout',
  'tags',
]);
const ROUTER_KEYS = new Set([
  'routing_strategy',
  'num_retries',
  'timeout',
  'fallbacks',
  'allowed_fails',
  'cooldown_time',
]);
const LITELLM_SETTINGS_KEYS = new Set(['num_retries', 'request_timeout', 'fallbacks']);
const GROUP_EXTENSION_KEYS = new Set([
  'routing_strategy',
  'num_retries',
  'timeout',
  'allowed_fails',
  'cooldown_time',
  'stream_idle_timeout',
]);
/** Where each deployment field comes from, to name the right key in a validation message. */
const PARAM_OF_FIELD: Readonly<Record<string, string>> = {
  name: `model_info.${DEPLOYMENT_NAME_KEY}`,
  modelGroup: 'model_name',
  provider: 'litellm_params.model',
  model: 'litellm_params.model',
  apiBase: 'litellm_params.api_base',
  apiKey: 'litellm_params.api_key',
  apiVersion: 'litellm_params.api_version',
  weight: 'litellm_params.weight',
  priority: 'litellm_params.order',
  rpmLimit: 'litellm_params.rpm',
  tpmLimit: 'litellm_params.tpm',
  timeoutMs: 'litellm_params.timeout',
  tags: 'litellm_params.tags',
};

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems, missing variables and ignored keys while reading. */
export class ReadContext {
  readonly problems: Problem[] = [];
  readonly warnings: string[] = [];
  /** Variable name → where it was referenced. */
  readonly missing = new Map<string, string[]>();
  /** Entries left out because one of their references is missing (see readLiteLLMConfig). */
  readonly blocked: (BlockedEntry & { index: number })[] = [];
  /** `model_list[*].litellm_params.stream_timeout` → entry indexes, so one warning covers every entry. */
  private readonly ignoredInEntries = new Map<string, number[]>();

  /**
   * @param entriesLabel how warnings name entries: `model_list[*]` for a file (one warning per key, listing
   * the entries); null for a single entry (the compat `POST /model/new`).
   */
  constructor(
    private readonly env: EnvLookup,
    private readonly entriesLabel: string | null = 'model_list[*]',
  ) {}

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  ignored(path: string): void {
    this.warnings.push(`${path} is not used by Switchboard; ignored.`);
  }

  ignoredInEntry(key: string, index: number): void {
    const list = this.ignoredInEntries.get(key) ?? [];
    list.push(index);
    this.ignoredInEntries.set(key, list);
  }

  /** Resolves `os.environ/NAME`; records a missing variable and answers undefined. */
  resolve(value: unknown, path: string): unknown {
    if (typeof value !== 'string' || !value.startsWith(ENV_PREFIX)) return value;
    const name = value.slice(ENV_PREFIX.length).trim();
    const found = name ? this.env(name) : undefined;
    if (found !== undefined && found !== '') return found;
    const where = this.missing.get(name) ?? [];
    where.push(path);
    this.missing.set(name, where);
    return undefined;
  }

  /** Takes the missing variables over (the caller reports them), so finish() does not refuse for them. */
  takeMissing(): Map<string, string[]> {
    const taken = new Map(this.missing);
    this.missing.clear();
    return taken;
  }

  /** Ends reading: missing variables first (all of them), then every other problem. */
  finish(): string[] {
    if (this.missing.size > 0) {
      const names = [...this.missing.keys()];
      throw new AdminError(
        400,
        'missing_environment',
        `The config references environment variables that were not supplied: ${names.join(', ')}. Send their values with the request (or under environment_variables in the file); the gateway's own environment is never read.`,
        names.map((name) => ({
          path: (this.missing.get(name) ?? []).join(', '),
          message: `${ENV_PREFIX}${name} is not set`,
        })),
      );
    }
    const first = this.problems[0];
    if (first) {
      throw new AdminError(
        400,
        'validation_failed',
        `Invalid LiteLLM config: ${first.path}: ${first.message}`,
        this.problems,
      );
    }
    const entryWarnings = [...this.ignoredInEntries].map(([key, entries]) =>
      this.entriesLabel === null
        ? `${key} is not used by Switchboard; ignored.`
        : `${this.entriesLabel}.${key} is not used by Switchboard; ignored (entries ${entries.join(', ')}).`,
    );
    return [...entryWarnings, ...this.warnings];
  }

  string(value: unknown, path: string): string | null {
    const v = this.resolve(value, path);
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
    if (typeof v === 'number') return String(v);
    this.problem(path, 'must be a string');
    return null;
  }

  /** A number, also from a numeric string (env references resolve to strings). */
  number(value: unknown, path: string): number | null {
    const v = this.resolve(value, path);
    if (v === undefined || v === null) return null;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
    this.problem(path, 'must be a number');
    return null;
  }

  integer(value: unknown, path: string): number | null {
    const n = this.number(value, path);
    if (n === null || Number.isInteger(n)) return n;
    this.problem(path, 'must be a whole number');
    return null;
  }

  /** Seconds (LiteLLM) to milliseconds (Switchboard). */
  millis(value: unknown, path: string): number | null {
    const s = this.number(value, path);
    return s === null ? null : Math.round(s * 1000);
  }
}

function checkField<T>(ctx: ReadContext, schema: z.ZodType<T>, value: unknown, path: string): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  ctx.problem(path, result.error.issues[0]?.message ?? 'is invalid');
  return undefined;
}

// ---------- deployments ----------

/** A `model_list` entry read into a deployment (without its name), or null when skipped or invalid. */
export interface EntryRead {
  deployment: Omit<ImportedDeployment, 'name' | 'aliases' | 'proposedName'>;
  /** `model_info.switchboard_deployment`, when the file names the deployment itself. */
  explicitName: string | null;
  /** `order` as written (priority tiers are finished per group). */
  order: number | null;
  /** What the derived name is computed from: the strings as written, so references never leak a secret. */
  identity: string;
  /** The variable of `api_key: os.environ/NAME`, which names the deployment when the file does not. */
  keyVariable: string | null;
}

/** An entry whose references were not all supplied: what is needed to name and report it. */
export interface BlockedEntry {
  modelGroup: string;
  explicitName: string | null;
  identity: string;
  keyVariable: string | null;
  variables: string[];
}

/** `os.environ/NAME` → NAME, for a value as written. */
function referencedVariable(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith(ENV_PREFIX)) return null;
  return value.slice(ENV_PREFIX.length).trim() || null;
}

/** `PJ1_KEY` → `pj1`, `OPENAI_API_KEY` → `openai`; null when nothing usable is left. */
export function nameFromVariable(variable: string): string | null {
  const base = variable
    .replace(/_?(API_?)?KEY$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._:/@-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 120);
  return base === '' ? null : base;
}

/** Reads one entry of `model_list` (also the body of the compat `POST /model/new`). */
export function readModelEntry(
  ctx: ReadContext,
  entry: unknown,
  path: string,
  index: number,
): EntryRead | null {
  if (!isMapping(entry)) {
    ctx.problem(path, 'must be a mapping with model_name and litellm_params');
    return null;
  }
  for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) ctx.ignoredInEntry(key, index);
  const modelName = typeof entry.model_name === 'string' ? entry.model_name.trim() : '';
  const params = entry.litellm_params;
  if (!modelName) {
    ctx.problem(`${path}.model_name`, 'is required');
    return null;
  }
  if (modelName.includes('*')) {
    ctx.warnings.push(`${path}: wildcard model_name '${modelName}' is not supported; skipped.`);
    return null;
  }
  if (checkField(ctx, nameSchema, modelName, `${path}.model_name`) === undefined) return null;
  if (!isMapping(params) || typeof params.model !== 'string' || params.model.trim() === '') {
    ctx.problem(`${path}.litellm_params.model`, 'is required (e.g. openai/gpt-4.1)');
    return null;
  }
  const p = `${path}.litellm_params`;
  for (const key of Object.keys(params))
    if (!PARAM_KEYS.has(key)) ctx.ignoredInEntry(`litellm_params.${key}`, index);
  const info = entry.model_info;
  let explicitName: string | null = null;
  let capabilities: Capability[] = [];
  if (info !== undefined && info !== null) {
    if (!isMapping(info)) ctx.problem(`${path}.model_info`, 'must be a mapping');
    else {
      // `id` is LiteLLM's own deployment id: meaningless here, and expected, so not worth a warning.
      for (const key of Object.keys(info))
        if (key !== 'id' && key !== 'mode' && key !== DEPLOYMENT_NAME_KEY)
          ctx.ignoredInEntry(`model_info.${key}`, index);
      if (typeof info.mode === 'string') {
        capabilities = MODE_CAPABILITIES[info.mode] ?? [];
        if (!MODE_CAPABILITIES[info.mode]) ctx.ignoredInEntry('model_info.mode', index);
      }
      if (info[DEPLOYMENT_NAME_KEY] !== undefined) {
        explicitName =
          checkField(
            ctx,
            nameSchema,
            info[DEPLOYMENT_NAME_KEY],
            `${path}.model_info.${DEPLOYMENT_NAME_KEY}`,
          ) ?? null;
      }
    }
  }

  const model = params.model.trim();
  const customProvider =
    typeof params.custom_llm_provider === 'string' ? params.custom_llm_provider.trim() : null;
  const resolved = resolveLiteLLMModel(model, customProvider);
  if (!resolved.ok) {
    ctx.warnings.push(`${path} (${modelName}): ${resolved.reason}; skipped.`);
    return null;
  }
  const rawApiBase = typeof params.api_base === 'string' ? params.api_base.trim() : '';
  const apiBase = effectiveApiBase(resolved.rule, ctx.string(params.api_base, `${p}.api_base`));
  const apiKey = ctx.string(params.api_key, `${p}.api_key`);
  if (apiKey === null && params.api_key === undefined && resolved.rule.provider !== 'openai-compatible') {
    ctx.warnings.push(
      `${path} (${modelName}) has no api_key. LiteLLM would fall back to a provider variable such as OPENAI_API_KEY; Switchboard keeps a key per deployment: add api_key: os.environ/<NAME>.`,
    );
  }
  const keyVariable = referencedVariable(params.api_key);
  const tags = params.tags === undefined || params.tags === null ? [] : params.tags;
  if (!Array.isArray(tags)) ctx.problem(`${p}.tags`, 'must be a list of strings');
  const order = ctx.integer(params.order, `${p}.order`);
  const candidate = {
    name: explicitName ?? 'placeholder',
    modelGroup: modelName,
    provider: resolved.rule.provider,
    model: resolved.model,
    apiBase,
    apiKey,
    apiVersion: ctx.string(params.api_version, `${p}.api_version`),
    weight: ctx.integer(params.weight, `${p}.weight`),
    priority: order ?? 0,
    rpmLimit: ctx.integer(params.rpm, `${p}.rpm`),
    tpmLimit: ctx.integer(params.tpm, `${p}.tpm`),
    timeoutMs: ctx.millis(params.timeout, `${p}.timeout`),
    tags: Array.isArray(tags) ? tags : [],
    capabilities,
  };
  // A reference that did not resolve blocks this entry only; it is not a validation error too.
  const needed = [...ctx.missing].filter(([, w]) => w.some((x) => x.startsWith(`${p}.`))).map(([n]) => n);
  if (needed.length > 0) {
    const identity = `${modelName}\n${model}\n${rawApiBase}`;
    ctx.blocked.push({
      index,
      modelGroup: modelName,
      explicitName,
      identity,
      keyVariable,
      variables: needed,
    });
    return null;
  }
  const parsed = createDeploymentSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const where = PARAM_OF_FIELD[field] ?? field;
      ctx.problem(`${path}.${where}`, issue.message);
    }
    return null;
  }
  const { name: _name, enabled: _enabled, ...deployment } = parsed.data;
  return {
    deployment,
    explicitName,
    order,
    identity: `${modelName}\n${model}\n${rawApiBase}`,
    keyVariable,
  };
}

/**
 * The name a file entry gets when it does not carry `model_info.switchboard_deployment`:
 * `<model_name>-<6 hex of model_name + model + api_base as written>`, then `-2`, `-3`… for further entries
 * with the same three values (e.g. one model behind several keys). Stable when entries are added, removed
 * or reordered elsewhere in the file; only identical entries are told apart by their order.
 */
export function derivedDeploymentName(modelName: string, identity: string, occurrence: number): string {
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 6);
  const base = `${modelName.slice(0, 110)}-${hash}`;
  return occurrence <= 1 ? base : `${base}-${occurrence}`;
}

// ---------- model groups ----------

interface SharedPolicy {
  policy: ImportedGroupPolicy;
  /** Group name → its fallbacks, when the file has a fallbacks list at all. */
  fallbacks: Map<string, string[]> | null;
}

function readStrategy(ctx: ReadContext, value: unknown, path: string): RoutingStrategyName | undefined {
  if (value === undefined || value === null) return undefined;
  const name = typeof value === 'string' ? normaliseStrategy(value) : null;
  if (name) return name;
  ctx.warnings.push(
    `${path} '${String(value)}' has no Switchboard equivalent (simple-shuffle, least-busy, latency-based-routing, usage-based-routing, usage-based-routing-v2 do); new groups use weighted-shuffle, existing groups keep theirs.`,
  );
  return undefined;
}

function readPolicyFields(
  ctx: ReadContext,
  section: Mapping,
  path: string,
  keys: { timeout: string },
): ImportedGroupPolicy {
  const policy: ImportedGroupPolicy = {};
  const strategy = readStrategy(ctx, section.routing_strategy, `${path}.routing_strategy`);
  if (strategy) policy.strategy = strategy;
  if (section.num_retries != null) {
    const n = ctx.integer(section.num_retries, `${path}.num_retries`);
    if (n !== null)
      policy.numRetries = checkField(ctx, modelGroupPolicyFields.numRetries, n, `${path}.num_retries`);
  }
  if (section.allowed_fails != null) {
    // Same meaning as LiteLLM's: failures tolerated before a cooldown (0: the first failure cools down).
    const n = ctx.integer(section.allowed_fails, `${path}.allowed_fails`);
    if (n !== null)
      policy.allowedFails = checkField(ctx, modelGroupPolicyFields.allowedFails, n, `${path}.allowed_fails`);
  }
  if (section.cooldown_time != null) {
    const s = ctx.number(section.cooldown_time, `${path}.cooldown_time`);
    if (s !== null)
      policy.cooldownSeconds = checkField(
        ctx,
        modelGroupPolicyFields.cooldownSeconds,
        Math.round(s),
        `${path}.cooldown_time`,
      );
  }
  if (Object.hasOwn(section, keys.timeout)) {
    const ms = ctx.millis(section[keys.timeout], `${path}.${keys.timeout}`);
    policy.timeoutMs =
      checkField(ctx, modelGroupPolicyFields.timeoutMs, ms, `${path}.${keys.timeout}`) ?? null;
  }
  return policy;
}

/** `[{gpt-4.1: [gpt-4o-mini]}, …]` → group → fallbacks. */
function readFallbacks(ctx: ReadContext, value: unknown, path: string): Map<string, string[]> | null {
  if (value === undefined || value === null) return null;
  const out = new Map<string, string[]>();
  if (!Array.isArray(value)) {
    ctx.problem(path, 'must be a list such as [{gpt-4.1: [gpt-4o-mini]}]');
    return out;
  }
  value.forEach((item, i) => {
    if (!isMapping(item)) {
      ctx.problem(`${path}.${i}`, 'must be a mapping from a model_name to a list of model_names');
      return;
    }
    for (const [group, targets] of Object.entries(item)) {
      const list = typeof targets === 'string' ? [targets] : targets;
      if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) {
        ctx.problem(`${path}.${i}.${group}`, 'must be a list of model_names');
        continue;
      }
      out.set(group, [...(out.get(group) ?? []), ...(list as string[]).map((t) => t.trim())]);
    }
  });
  return out;
}

function readSharedPolicy(ctx: ReadContext, doc: Mapping): SharedPolicy {
  const router = doc.router_settings;
  const settings = doc.litellm_settings;
  let fromSettings: SharedPolicy = { policy: {}, fallbacks: null };
  if (settings !== undefined && settings !== null) {
    if (!isMapping(settings)) ctx.problem('litellm_settings', 'must be a mapping');
    else {
      for (const key of Object.keys(settings))
        if (!LITELLM_SETTINGS_KEYS.has(key)) ctx.ignored(`litellm_settings.${key}`);
      fromSettings = {
        policy: readPolicyFields(ctx, settings, 'litellm_settings', { timeout: 'request_timeout' }),
        fallbacks: readFallbacks(ctx, settings.fallbacks, 'litellm_settings.fallbacks'),
      };
    }
  }
  if (router === undefined || router === null) return fromSettings;
  if (!isMapping(router)) {
    ctx.problem('router_settings', 'must be a mapping');
    return fromSettings;
  }
  for (const key of Object.keys(router)) if (!ROUTER_KEYS.has(key)) ctx.ignored(`router_settings.${key}`);
  // router_settings wins over litellm_settings, as in LiteLLM.
  return {
    policy: {
      ...fromSettings.policy,
      ...readPolicyFields(ctx, router, 'router_settings', { timeout: 'timeout' }),
    },
    fallbacks: readFallbacks(ctx, router.fallbacks, 'router_settings.fallbacks') ?? fromSettings.fallbacks,
  };
}

/** `switchboard.model_groups.<name>`: per-group policy written by export where LiteLLM has only one. */
function readGroupExtensions(ctx: ReadContext, doc: Mapping): Map<string, ImportedGroupPolicy> {
  const out = new Map<string, ImportedGroupPolicy>();
  const section = doc[SWITCHBOARD_SECTION];
  if (section === undefined || section === null) return out;
  if (!isMapping(section)) {
    ctx.problem(SWITCHBOARD_SECTION, 'must be a mapping');
    return out;
  }
  for (const key of Object.keys(section))
    if (key !== 'model_groups') ctx.ignored(`${SWITCHBOARD_SECTION}.${key}`);
  const groups = section.model_groups;
  if (groups === undefined || groups === null) return out;
  if (!isMapping(groups)) {
    ctx.problem(`${SWITCHBOARD_SECTION}.model_groups`, 'must be a mapping from model_name to settings');
    return out;
  }
  for (const [name, settings] of Object.entries(groups)) {
    const path = `${SWITCHBOARD_SECTION}.model_groups.${name}`;
    if (!isMapping(settings)) {
      ctx.problem(path, 'must be a mapping');
      continue;
    }
    for (const key of Object.keys(settings))
      if (!GROUP_EXTENSION_KEYS.has(key)) ctx.ignored(`${path}.${key}`);
    const policy = readPolicyFields(ctx, settings, path, { timeout: 'timeout' });
    if (Object.hasOwn(settings, 'stream_idle_timeout')) {
      const ms = ctx.millis(settings.stream_idle_timeout, `${path}.stream_idle_timeout`);
      policy.streamIdleTimeoutMs =
        checkField(ctx, modelGroupPolicyFields.streamIdleTimeoutMs, ms, `${path}.stream_idle_timeout`) ??
        null;
    }
    out.set(name, policy);
  }
  return out;
}

// ---------- the whole file ----------

export function readLiteLLMConfig(doc: unknown, supplied: EnvLookup): LiteLLMImport {
  if (!isMapping(doc)) {
    throw new AdminError(
      400,
      'validation_failed',
      'Invalid LiteLLM config: the file must be a YAML mapping with a model_list.',
    );
  }
  const fileEnv = isMapping(doc.environment_variables) ? doc.environment_variables : {};
  // LiteLLM copies environment_variables into its environment at start, so they win.
  const ctx = new ReadContext((name) => {
    // Own keys only: `os.environ/constructor` must not find Object.prototype's.
    const v = Object.hasOwn(fileEnv, name) ? fileEnv[name] : undefined;
    return v === undefined || v === null ? supplied(name) : String(v);
  });
  for (const key of Object.keys(doc)) if (!TOP_LEVEL.has(key)) ctx.ignored(`${key} (top-level section)`);

  const list = doc.model_list;
  if (!Array.isArray(list)) ctx.problem('model_list', 'is required: a list of {model_name, litellm_params}');
  const entries = (Array.isArray(list) ? list : []).map((entry, i) => ({
    index: i,
    read: readModelEntry(ctx, entry, `model_list[${i}]`, i),
  }));

  const shared = readSharedPolicy(ctx, doc);
  const extensions = readGroupExtensions(ctx, doc);
  const masterKey = readGeneralSettings(ctx, doc.general_settings);

  // Names: explicit ones as written; else after the key's variable (`PJ1_KEY` → `pj1`); else derived
  // (see derivedDeploymentName). The derived name stays an alias, so files imported before still match.
  const deployments: ImportedDeployment[] = [];
  const skipped: LiteLLMImport['skipped'] = [];
  const seen = new Map<string, number>();
  const taken = new Map<string, string>();
  const explicit = new Set<string>();
  for (const { read } of entries) if (read?.explicitName) explicit.add(read.explicitName);
  for (const b of ctx.blocked) if (b.explicitName) explicit.add(b.explicitName);
  const orders = new Map<string, (number | null)[]>();
  const byGroup = new Map<string, ImportedDeployment[]>();
  const blockedAt = new Map(ctx.blocked.map((b) => [b.index, b]));
  const nameEntry = (e: {
    modelGroup: string;
    explicitName: string | null;
    identity: string;
    keyVariable: string | null;
  }) => {
    const occurrence = (seen.get(e.identity) ?? 0) + 1;
    seen.set(e.identity, occurrence);
    const legacy = derivedDeploymentName(e.modelGroup, e.identity, occurrence);
    if (e.explicitName) return { name: e.explicitName, aliases: [] };
    const base = e.keyVariable ? nameFromVariable(e.keyVariable) : null;
    if (!base) return { name: legacy, aliases: [] };
    let name = base;
    for (let n = 2; taken.has(name) || explicit.has(name); n++) name = `${base}-${n}`;
    return { name, aliases: [legacy] };
  };
  for (const { index, read } of entries) {
    const path = `model_list[${index}]`;
    const blocked = blockedAt.get(index);
    if (blocked) {
      const { name } = nameEntry(blocked);
      taken.set(name, path);
      skipped.push({ name, modelGroup: blocked.modelGroup, variables: blocked.variables });
      continue;
    }
    if (!read) continue;
    const { name, aliases } = nameEntry({ ...read, modelGroup: read.deployment.modelGroup });
    const other = taken.get(name);
    if (other) {
      ctx.problem(path, `names deployment '${name}', as ${other} does`);
      continue;
    }
    taken.set(name, path);
    const deployment = { ...read.deployment, name, aliases };
    deployments.push(deployment);
    const group = read.deployment.modelGroup;
    byGroup.set(group, [...(byGroup.get(group) ?? []), deployment]);
    orders.set(group, [...(orders.get(group) ?? []), read.order]);
  }
  const missing = ctx.takeMissing();
  const unresolved = [...missing].map(([variable, paths]) => ({
    variable,
    deployments: skipped.filter((d) => d.variables.includes(variable)).map((d) => d.name),
    paths: paths.filter((x) => !x.startsWith('model_list[')),
  }));
  for (const u of unresolved) {
    if (u.paths.length > 0)
      ctx.warnings.push(`${u.paths.join(', ')}: os.environ/${u.variable} was not supplied; left unset.`);
  }

  const groups: ImportedGroup[] = [];
  for (const [name, members] of byGroup) {
    const ext = extensions.get(name) ?? {};
    const policy: ImportedGroupPolicy = { ...shared.policy, ...ext };
    if (shared.fallbacks) policy.fallbacks = shared.fallbacks.get(name) ?? [];
    const groupOrders = orders.get(name) ?? [];
    if (groupOrders.some((o) => o !== null)) {
      // LiteLLM tries the lowest `order` first whatever the strategy; Switchboard's priority strategy does
      // that (with weighted shuffle inside a tier). Entries without an order come last.
      const last = Math.max(...groupOrders.map((o) => o ?? 0)) + 1;
      members.forEach((d, i) => {
        if (groupOrders[i] === null) d.priority = Math.min(last, 1000);
      });
      if (
        ext.strategy === undefined &&
        (policy.strategy === undefined || policy.strategy === 'weighted-shuffle')
      )
        policy.strategy = 'priority';
      else if (ext.strategy === undefined && policy.strategy !== 'priority')
        ctx.warnings.push(
          `model group '${name}': order only takes effect with the priority strategy; the group uses ${policy.strategy}.`,
        );
    }
    groups.push({ name, policy });
  }
  for (const group of shared.fallbacks?.keys() ?? []) {
    if (!byGroup.has(group))
      ctx.warnings.push(`fallbacks for '${group}': there is no such model_name in model_list; ignored.`);
  }
  for (const group of extensions.keys()) {
    if (!byGroup.has(group))
      ctx.warnings.push(
        `${SWITCHBOARD_SECTION}.model_groups.${group}: there is no such model_name in model_list; ignored.`,
      );
  }

  const warnings = ctx.finish();
  return { groups, deployments, masterKey, warnings, unresolved, skipped };
}

function readGeneralSettings(ctx: ReadContext, section: unknown): string | null {
  if (section === undefined || section === null) return null;
  if (!isMapping(section)) {
    ctx.problem('general_settings', 'must be a mapping');
    return null;
  }
  for (const key of Object.keys(section)) if (key !== 'master_key') ctx.ignored(`general_settings.${key}`);
  return ctx.string(section.master_key, 'general_settings.master_key');
}
