import {
  CAPABILITIES,
  type Capability,
  capabilitySchema,
  createDeploymentSchema,
  updateDeploymentSchema,
  type CreateDeployment,
  type Deployment,
  MIN_PROBE_INTERVAL_SECONDS,
  PROBE_MODES,
  type ProbeMode,
  type ProviderKind,
  providerSchema,
  type UpdateDeployment,
} from '@switchboard/contracts';
import { z } from 'zod';
import { formErrorsFromZod, parseOptionalNumber, type FormErrors } from '@/components/ui/form-errors';

export const PROVIDER_LABELS: Record<ProviderKind, string> = {
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  'openai-compatible': 'OpenAI-compatible',
  anthropic: 'Anthropic',
};

interface ProviderFormSpec {
  summary: string;
  model: { hint: string; placeholder: string };
  /** `default`: where requests go when no API base is set. */
  apiBase: { required: boolean; hint: string; placeholder: string; default: string | null };
  /** Only Azure routes by API version. */
  apiVersion: { hint: string; placeholder: string } | null;
  apiKey: { hint: string };
}

/** What each upstream kind needs from the operator; the contract enforces the same rules. */
export const PROVIDER_SPECS: Record<ProviderKind, ProviderFormSpec> = {
  openai: {
    summary: 'api.openai.com, or any endpoint that speaks the OpenAI API with an OpenAI key.',
    model: { hint: 'The model name the upstream expects.', placeholder: 'gpt-4o-mini' },
    apiBase: {
      required: false,
      hint: 'Optional. Defaults to https://api.openai.com/v1.',
      placeholder: 'https://api.openai.com/v1',
      default: 'https://api.openai.com/v1',
    },
    apiVersion: null,
    apiKey: { hint: 'Sent as a bearer token. Stored encrypted; it cannot be read back.' },
  },
  azure: {
    summary: 'Azure OpenAI: one resource endpoint, the deployment name and an API version.',
    model: {
      hint: 'The Azure deployment name (not the model family).',
      placeholder: 'gpt-4o-prod',
    },
    apiBase: {
      required: true,
      hint: 'The resource endpoint, without /openai/deployments/….',
      placeholder: 'https://my-resource.openai.azure.com',
      default: null,
    },
    apiVersion: { hint: 'Optional. Defaults to 2024-10-21.', placeholder: '2024-10-21' },
    apiKey: { hint: 'Sent as the api-key header. Stored encrypted; it cannot be read back.' },
  },
  'openai-compatible': {
    summary: 'A self-hosted or third-party server with an OpenAI-style API (vLLM, Ollama, LM Studio …).',
    model: { hint: 'The model name the server expects.', placeholder: 'llama-3.1-8b-instruct' },
    apiBase: {
      required: true,
      hint: 'The base URL, usually ending in /v1.',
      placeholder: 'http://127.0.0.1:8000/v1',
      default: null,
    },
    apiVersion: null,
    apiKey: { hint: 'Optional: only if the server checks one. Stored encrypted.' },
  },
  anthropic: {
    summary: 'The Anthropic Messages API; requests and answers are translated from the OpenAI format.',
    model: { hint: 'The Claude model name.', placeholder: 'claude-sonnet-4-5' },
    apiBase: {
      required: false,
      hint: 'Optional. Defaults to https://api.anthropic.com.',
      placeholder: 'https://api.anthropic.com',
      default: 'https://api.anthropic.com',
    },
    apiVersion: null,
    apiKey: { hint: 'Sent as the x-api-key header. Stored encrypted; it cannot be read back.' },
  },
};

/**
 * The host a deployment sends its requests to (`api.openai.com`, `10.0.0.5:8000`): enough to tell apart
 * deployments of one model at different endpoints, without the scheme and path. `null`: none is set.
 */
export function upstreamHost(deployment: Pick<Deployment, 'provider' | 'apiBase'>): string | null {
  const base = deployment.apiBase ?? PROVIDER_SPECS[deployment.provider].apiBase.default;
  if (base === null) return null;
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}

/** Labels double as the start of each field's error message ("API base is required …"). */
export const FIELD_LABELS = {
  name: 'Name',
  modelGroup: 'Model group',
  provider: 'Provider',
  model: 'Upstream model',
  apiBase: 'API base',
  apiVersion: 'API version',
  apiKey: 'API key',
  weight: 'Weight',
  priority: 'Priority',
  rpmLimit: 'RPM limit',
  tpmLimit: 'TPM limit',
  timeoutMs: 'Timeout',
  tags: 'Tags',
  capabilities: 'Serves',
  enabled: 'Enabled',
  probeEnabled: 'Health checks',
  probeIntervalSeconds: 'Check every',
  probeMode: 'Check with',
} as const;

/** How each health-check mode reads in the form: the free one first, the billed one says so. */
export const PROBE_MODE_LABELS: Record<ProbeMode, string> = {
  models: 'GET /models (free)',
  chat: '1-token chat completion (billed)',
};

/** The interval the form suggests when health checks are turned on. */
export const DEFAULT_PROBE_INTERVAL_SECONDS = 60;

/** The data-plane routes as an operator reads them. */
export const CAPABILITY_LABELS: Record<Capability, string> = {
  chat: 'Chat completions',
  completions: 'Text completions',
  embeddings: 'Embeddings',
  rerank: 'Rerank',
  'audio.speech': 'Audio: speech',
  'audio.transcriptions': 'Audio: transcriptions',
};
export { CAPABILITIES };

export type DeploymentField = keyof typeof FIELD_LABELS;
/** The fields in the order the form shows them: focus goes to the first one that needs fixing. */
export const FIELD_ORDER = Object.keys(FIELD_LABELS) as DeploymentField[];

/** What the inputs hold: text as typed, so half-typed numbers are not lost. */
export interface DeploymentFormValues {
  name: string;
  modelGroup: string;
  provider: ProviderKind;
  model: string;
  apiBase: string;
  /** Create: the key. Edit: a replacement (empty = keep the stored one). */
  apiKey: string;
  /** Edit only: remove the stored key. */
  clearApiKey: boolean;
  apiVersion: string;
  weight: string;
  priority: string;
  rpmLimit: string;
  tpmLimit: string;
  timeoutMs: string;
  tags: string;
  /** Empty = the provider's defaults. */
  capabilities: Capability[];
  enabled: boolean;
  /** Background health checks on (the interval then applies). */
  probeEnabled: boolean;
  probeIntervalSeconds: string;
  probeMode: ProbeMode;
}

const text = (value: number | string | null | undefined) =>
  value === null || value === undefined ? '' : String(value);

export function initialFormValues(deployment?: Deployment, modelGroup?: string): DeploymentFormValues {
  return {
    name: deployment?.name ?? '',
    modelGroup: deployment?.modelGroup ?? modelGroup ?? '',
    provider: deployment?.provider ?? 'openai',
    model: deployment?.model ?? '',
    apiBase: text(deployment?.apiBase),
    apiKey: '',
    clearApiKey: false,
    apiVersion: text(deployment?.apiVersion),
    weight: text(deployment?.weight),
    priority: deployment ? String(deployment.priority) : '0',
    rpmLimit: text(deployment?.rpmLimit),
    tpmLimit: text(deployment?.tpmLimit),
    timeoutMs: text(deployment?.timeoutMs),
    tags: deployment?.tags.join(', ') ?? '',
    capabilities: deployment?.capabilities ?? [],
    enabled: deployment?.enabled ?? true,
    probeEnabled: (deployment?.probeIntervalSeconds ?? null) !== null,
    probeIntervalSeconds: String(deployment?.probeIntervalSeconds ?? DEFAULT_PROBE_INTERVAL_SECONDS),
    probeMode: deployment?.probeMode ?? 'models',
  };
}

const orNull = (value: string) => (value.trim() === '' ? null : value.trim());

function parseTags(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

/** Every field except the key, in the contract's shape. */
function settingsFrom(values: DeploymentFormValues) {
  return {
    name: values.name.trim(),
    modelGroup: values.modelGroup.trim(),
    provider: values.provider,
    model: values.model.trim(),
    apiBase: orNull(values.apiBase),
    apiVersion: values.provider === 'azure' ? orNull(values.apiVersion) : null,
    weight: parseOptionalNumber(values.weight),
    priority: parseOptionalNumber(values.priority) ?? 0,
    rpmLimit: parseOptionalNumber(values.rpmLimit),
    tpmLimit: parseOptionalNumber(values.tpmLimit),
    timeoutMs: parseOptionalNumber(values.timeoutMs),
    enabled: values.enabled,
    tags: parseTags(values.tags),
    capabilities: CAPABILITIES.filter((c) => values.capabilities.includes(c)),
    probeIntervalSeconds: values.probeEnabled ? parseOptionalNumber(values.probeIntervalSeconds) : null,
    probeMode: values.probeMode,
  };
}

/** The contract takes any interval; the gateway's floor is 10 s (only tests lower it). */
function probeIntervalError(values: DeploymentFormValues): FormErrors | null {
  if (!values.probeEnabled) return null;
  const seconds = parseOptionalNumber(values.probeIntervalSeconds);
  if (seconds !== null && Number.isInteger(seconds) && seconds >= MIN_PROBE_INTERVAL_SECONDS) return null;
  return {
    fields: {
      probeIntervalSeconds: `${FIELD_LABELS.probeIntervalSeconds} must be a whole number of seconds, at least ${MIN_PROBE_INTERVAL_SECONDS}.`,
    },
    other: [],
  };
}

type Built<T> = { ok: true; body: T } | { ok: false; errors: FormErrors };

/** Validates with the shared create contract, so the form and the API agree on every rule. */
export function buildCreateBody(values: DeploymentFormValues): Built<CreateDeployment> {
  const parsed = createDeploymentSchema.safeParse({ ...settingsFrom(values), apiKey: orNull(values.apiKey) });
  if (!parsed.success) return { ok: false, errors: formErrorsFromZod(parsed.error, FIELD_LABELS) };
  const probeError = probeIntervalError(values);
  if (probeError) return { ok: false, errors: probeError };
  return { ok: true, body: parsed.data };
}

const sameValue = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => v === b[i]) : a === b;

/**
 * Only the fields that changed. The key is write-only: empty keeps it, a new value replaces it,
 * "remove" clears it. Provider rules span fields, so the result is also checked as a whole.
 */
export function buildUpdatePatch(values: DeploymentFormValues, current: Deployment): Built<UpdateDeployment> {
  const settings = settingsFrom(values);
  const replacementKey = orNull(values.apiKey);
  const whole = createDeploymentSchema.safeParse({ ...settings, apiKey: replacementKey });
  if (!whole.success) return { ok: false, errors: formErrorsFromZod(whole.error, FIELD_LABELS) };
  const probeError = probeIntervalError(values);
  if (probeError) return { ok: false, errors: probeError };

  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(whole.data)) {
    if (field === 'apiKey') continue;
    if (!sameValue(value, current[field as keyof Deployment])) patch[field] = value;
  }
  if (values.clearApiKey) patch.apiKey = null;
  else if (replacementKey !== null) patch.apiKey = replacementKey;

  const parsed = updateDeploymentSchema.safeParse(patch);
  if (!parsed.success) return { ok: false, errors: formErrorsFromZod(parsed.error, FIELD_LABELS) };
  return { ok: true, body: parsed.data };
}

/** What a valid form becomes: the create body, or the patch of what changed. */
export type DeploymentFormSubmit =
  { mode: 'create'; body: CreateDeployment } | { mode: 'edit'; patch: UpdateDeployment };

/** The messages that belong to no field travel as one root error, one message per line. */
export const joinOtherMessages = (messages: readonly string[]) => messages.join('\n');
export const splitOtherMessages = (message: string | undefined): string[] =>
  message ? message.split('\n').filter(Boolean) : [];

/** The inputs' own shape (text as typed); the rules are the contract's, applied in the transform. */
const formValuesSchema = z.object({
  name: z.string(),
  modelGroup: z.string(),
  provider: providerSchema,
  model: z.string(),
  apiBase: z.string(),
  apiKey: z.string(),
  clearApiKey: z.boolean(),
  apiVersion: z.string(),
  weight: z.string(),
  priority: z.string(),
  rpmLimit: z.string(),
  tpmLimit: z.string(),
  timeoutMs: z.string(),
  tags: z.string(),
  capabilities: z.array(capabilitySchema),
  enabled: z.boolean(),
  probeEnabled: z.boolean(),
  probeIntervalSeconds: z.string(),
  probeMode: z.enum(PROBE_MODES),
}) satisfies z.ZodType<DeploymentFormValues, DeploymentFormValues>;

/**
 * The form's schema (for `zodResolver`): its output is the request, built by buildCreateBody or
 * buildUpdatePatch (so by the shared contract); each problem comes back on its field's path, worded
 * with FIELD_LABELS, and the rest on `root`. `current`: the deployment being edited.
 */
export function deploymentFormSchema(current?: Deployment) {
  return formValuesSchema.transform((values, ctx): DeploymentFormSubmit => {
    const built = current ? buildUpdatePatch(values, current) : buildCreateBody(values);
    if (built.ok) {
      return current
        ? { mode: 'edit', patch: built.body }
        : { mode: 'create', body: built.body as CreateDeployment };
    }
    for (const [field, message] of Object.entries(built.errors.fields)) {
      if (message !== undefined) ctx.addIssue({ code: 'custom', path: [field], message });
    }
    if (built.errors.other.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['root'], message: joinOtherMessages(built.errors.other) });
    }
    return z.NEVER;
  });
}
