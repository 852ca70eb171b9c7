import { createModelGroupSchema, type ProviderKind, type RoutingStrategyName } from '@switchboard/contracts';
import { dump } from 'js-yaml';
import { normaliseStrategy } from '../routing/routing.types';
import {
  DEPLOYMENT_NAME_KEY,
  type ImportedGroupPolicy,
  readLiteLLMConfig,
  SWITCHBOARD_SECTION,
} from './litellm-config.reader';
import type { CurrentGroup } from './litellm-import.plan';
import { EXPORT_PREFIX } from './litellm-providers';

/** A deployment as export sees it: settings and key hint, never the key. */
export interface ExportDeployment {
  name: string;
  modelGroup: string;
  provider: ProviderKind;
  model: string;
  apiBase: string | null;
  apiKeyHint: string | null;
  apiVersion: string | null;
  weight: number | null;
  priority: number;
  rpmLimit: number | null;
  tpmLimit: number | null;
  timeoutMs: number | null;
  enabled: boolean;
  tags: string[];
}

const TO_LITELLM_STRATEGY: Readonly<Record<RoutingStrategyName, string>> = {
  'weighted-shuffle': 'simple-shuffle',
  // Priority is simple-shuffle plus `order` on each deployment in LiteLLM.
  priority: 'simple-shuffle',
  // No LiteLLM equivalent: the switchboard section keeps it.
  'round-robin': 'simple-shuffle',
  'least-busy': 'least-busy',
  'lowest-latency': 'latency-based-routing',
  'usage-based': 'usage-based-routing-v2',
};

type Policy = Required<ImportedGroupPolicy>;
const DEFAULTS = createModelGroupSchema.parse({ name: 'defaults' });
const POLICY_FIELDS = [
  'strategy',
  'numRetries',
  'allowedFails',
  'cooldownSeconds',
  'timeoutMs',
  'streamIdleTimeoutMs',
] as const;

function strategyOf(group: CurrentGroup): RoutingStrategyName {
  return normaliseStrategy(group.strategy) ?? 'weighted-shuffle';
}

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** `gpt-4.1-a1b2c3` → `SWITCHBOARD_KEY_GPT_4_1_A1B2C3`. */
function keyVariable(name: string, taken: Set<string>): string {
  const base = `SWITCHBOARD_KEY_${name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')}`;
  let candidate = base;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base}_${i}`;
  taken.add(candidate);
  return candidate;
}

/**
 * Writes Switchboard's routing configuration as a LiteLLM proxy `config.yaml`. Keys are never exported:
 * each becomes an `os.environ/SWITCHBOARD_KEY_…` placeholder, listed in the header comment. LiteLLM has one
 * router policy for all groups, so `router_settings` holds the most common one and the `switchboard`
 * section the groups that differ; together with `model_info.switchboard_deployment` that makes
 * export → import a no-op.
 */
export function writeLiteLLMConfig(
  groups: CurrentGroup[],
  deployments: ExportDeployment[],
  now: Date = new Date(),
): string {
  const enabled = deployments
    .filter((d) => d.enabled)
    .sort((a, b) => a.modelGroup.localeCompare(b.modelGroup) || a.name.localeCompare(b.name));
  const disabled = deployments.filter((d) => !d.enabled).map((d) => d.name);
  const exported = groups
    .filter((g) => enabled.some((d) => d.modelGroup === g.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  const empty = groups.filter((g) => !exported.includes(g)).map((g) => g.name);

  const ordered = new Set(
    exported
      .filter(
        (g) =>
          strategyOf(g) === 'priority' || enabled.some((d) => d.modelGroup === g.name && d.priority !== 0),
      )
      .map((g) => g.name),
  );
  const taken = new Set<string>();
  const variables: string[] = [];
  const modelList = enabled.map((d) => {
    const params: Record<string, unknown> = { model: `${EXPORT_PREFIX[d.provider]}/${d.model}` };
    if (d.apiBase !== null) params.api_base = d.apiBase;
    if (d.apiKeyHint !== null) {
      const variable = keyVariable(d.name, taken);
      params.api_key = `os.environ/${variable}`;
      variables.push(`#   ${variable}  (deployment ${d.name}, key ${d.apiKeyHint})`);
    }
    if (d.apiVersion !== null) params.api_version = d.apiVersion;
    if (d.rpmLimit !== null) params.rpm = d.rpmLimit;
    if (d.tpmLimit !== null) params.tpm = d.tpmLimit;
    if (d.weight !== null) params.weight = d.weight;
    if (ordered.has(d.modelGroup)) params.order = d.priority;
    if (d.timeoutMs !== null) params.timeout = seconds(d.timeoutMs);
    if (d.tags.length > 0) params.tags = d.tags;
    return {
      model_name: d.modelGroup,
      litellm_params: params,
      model_info: { [DEPLOYMENT_NAME_KEY]: d.name },
    };
  });

  const common = mostCommonPolicy(exported);
  const routerSettings: Record<string, unknown> = {
    routing_strategy: TO_LITELLM_STRATEGY[common.strategy],
    num_retries: common.numRetries,
    allowed_fails: common.allowedFails,
    cooldown_time: common.cooldownSeconds,
    ...(common.timeoutMs !== null ? { timeout: seconds(common.timeoutMs) } : {}),
    fallbacks: exported.filter((g) => g.fallbacks.length > 0).map((g) => ({ [g.name]: g.fallbacks })),
  };
  const doc: Record<string, unknown> = { model_list: modelList, router_settings: routerSettings };

  // What an import of this file would make of each group; the switchboard section corrects the rest.
  const readBack = readLiteLLMConfig(doc, () => 'placeholder');
  const overrides: Record<string, Record<string, unknown>> = {};
  for (const group of exported) {
    const read = readBack.groups.find((g) => g.name === group.name)?.policy ?? {};
    const stored: Policy = { ...group, strategy: strategyOf(group) };
    const entry: Record<string, unknown> = {};
    for (const field of POLICY_FIELDS) {
      const value = read[field] ?? DEFAULTS[field];
      if (value === stored[field]) continue;
      if (field === 'strategy') entry.routing_strategy = stored.strategy;
      if (field === 'numRetries') entry.num_retries = stored.numRetries;
      if (field === 'allowedFails') entry.allowed_fails = stored.allowedFails;
      if (field === 'cooldownSeconds') entry.cooldown_time = stored.cooldownSeconds;
      if (field === 'timeoutMs') entry.timeout = seconds(stored.timeoutMs);
      if (field === 'streamIdleTimeoutMs') entry.stream_idle_timeout = seconds(stored.streamIdleTimeoutMs);
    }
    if (Object.keys(entry).length > 0) overrides[group.name] = entry;
  }
  if (Object.keys(overrides).length > 0) doc[SWITCHBOARD_SECTION] = { model_groups: overrides };

  const header = [
    `# LiteLLM proxy config exported by Switchboard on ${now.toISOString()}.`,
    '#',
    '# API keys are NOT exported: every api_key is an os.environ/<NAME> placeholder. Set these variables',
    "# before loading the file (in LiteLLM's environment, or in Switchboard's to import it back):",
    ...(variables.length > 0 ? variables : ['#   (no deployment has a key)']),
    '# general_settings.master_key is not exported either.',
    '#',
    `# model_info.${DEPLOYMENT_NAME_KEY} and the ${SWITCHBOARD_SECTION} section are not LiteLLM settings: they keep`,
    "# Switchboard's deployment names and per-group routing so that importing this file back changes nothing.",
    ...(disabled.length > 0 ? [`# Not exported (disabled deployments): ${disabled.join(', ')}.`] : []),
    ...(empty.length > 0
      ? [`# Not exported (model groups without enabled deployments): ${empty.join(', ')}.`]
      : []),
  ];
  return `${header.join('\n')}\n${dump(doc, { noRefs: true, lineWidth: -1 })}`;
}

function mostCommonPolicy(groups: CurrentGroup[]): Omit<Policy, 'fallbacks' | 'streamIdleTimeoutMs'> {
  const counts = new Map<string, { n: number; policy: Omit<Policy, 'fallbacks' | 'streamIdleTimeoutMs'> }>();
  for (const g of groups) {
    const policy = {
      strategy: strategyOf(g),
      numRetries: g.numRetries,
      allowedFails: g.allowedFails,
      cooldownSeconds: g.cooldownSeconds,
      timeoutMs: g.timeoutMs,
    };
    const key = JSON.stringify({ ...policy, strategy: TO_LITELLM_STRATEGY[policy.strategy] });
    const seen = counts.get(key);
    counts.set(key, { n: (seen?.n ?? 0) + 1, policy: seen?.policy ?? policy });
  }
  let best: { n: number; policy: Omit<Policy, 'fallbacks' | 'streamIdleTimeoutMs'> } | null = null;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return best?.policy ?? { ...DEFAULTS };
}
