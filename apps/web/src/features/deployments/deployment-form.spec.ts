import { zodResolver } from '@hookform/resolvers/zod';
import type { Deployment } from '@switchboard/contracts';
import {
  buildCreateBody,
  buildUpdatePatch,
  deploymentFormSchema,
  initialFormValues,
  type DeploymentFormValues,
} from './deployment-form';
import { describeLastProbe } from './attempts-health';

const filled = () => ({
  ...initialFormValues(),
  name: 'probe-me',
  modelGroup: 'gpt-4o-mini',
  provider: 'openai' as const,
  model: 'gpt-4o-mini',
});

const deployment = (fields: Partial<Deployment> = {}): Deployment => ({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'probe-me',
  modelGroup: 'gpt-4o-mini',
  provider: 'openai',
  model: 'gpt-4o-mini',
  apiBase: null,
  apiKeyHint: null,
  apiVersion: null,
  weight: null,
  priority: 0,
  rpmLimit: null,
  tpmLimit: null,
  timeoutMs: null,
  enabled: true,
  tags: [],
  capabilities: [],
  probeIntervalSeconds: null,
  probeMode: 'models',
  effectiveCapabilities: ['chat'],
  state: {
    status: 'healthy',
    cooldownUntil: null,
    cooldownReason: null,
    lastError: null,
    inFlight: 0,
    rpmUsed: 0,
    tpmUsed: 0,
    latencyMs: null,
    ttftMs: null,
    lastErrorAt: null,
    lastSuccessAt: null,
    lastProbe: null,
  },
  createdAt: '2026-12-05T00:00:00.000Z',
  updatedAt: '2026-12-05T00:00:00.000Z',
  ...fields,
});

describe('deployment form: health checks', () => {
  it('sends no background checks by default (free mode)', () => {
    const built = buildCreateBody(filled());
    expect(built.ok && built.body).toMatchObject({ probeIntervalSeconds: null, probeMode: 'models' });
  });

  it('sends the interval and mode when health checks are on', () => {
    const built = buildCreateBody({
      ...filled(),
      probeEnabled: true,
      probeIntervalSeconds: '30',
      probeMode: 'chat',
    });
    expect(built.ok && built.body).toMatchObject({ probeIntervalSeconds: 30, probeMode: 'chat' });
  });

  it('refuses an interval under 10 s next to the field', () => {
    const five = buildCreateBody({ ...filled(), probeEnabled: true, probeIntervalSeconds: '5' });
    expect(!five.ok && five.errors.fields.probeIntervalSeconds).toMatch(/Check every .* at least 10/);
    for (const bad of ['5', '', '12.5', 'often']) {
      const built = buildCreateBody({ ...filled(), probeEnabled: true, probeIntervalSeconds: bad });
      expect(built.ok).toBe(false);
      if (!built.ok) expect(built.errors.fields.probeIntervalSeconds).toBeTruthy();
    }
  });

  it('patches only what changed: turning checks off sends null', () => {
    const current = deployment({ probeIntervalSeconds: 60, probeMode: 'chat' });
    const values = initialFormValues(current);
    expect(values).toMatchObject({ probeEnabled: true, probeIntervalSeconds: '60', probeMode: 'chat' });
    const unchanged = buildUpdatePatch(values, current);
    expect(unchanged.ok && unchanged.body).toEqual({});
    const off = buildUpdatePatch({ ...values, probeEnabled: false }, current);
    expect(off.ok && off.body).toEqual({ probeIntervalSeconds: null });
  });

  it('describes the last probe in a few words', () => {
    const now = Date.parse('2026-12-05T00:00:20.000Z');
    const at = '2026-12-05T00:00:00.000Z';
    const base = deployment().state;
    expect(describeLastProbe(base, now)).toBeNull();
    expect(
      describeLastProbe(
        { ...base, lastProbe: { at, ok: true, status: 200, latencyMs: 12, message: 'ok' } },
        now,
      ),
    ).toBe('Probe: OK 12 ms, 20 s ago');
    expect(
      describeLastProbe(
        { ...base, lastProbe: { at, ok: false, status: 401, latencyMs: 3, message: 'no' } },
        now,
      ),
    ).toBe('Probe: HTTP 401, 20 s ago');
    expect(
      describeLastProbe(
        { ...base, lastProbe: { at, ok: false, status: null, latencyMs: 0, message: 'no' } },
        now,
      ),
    ).toBe('Probe: unreachable, 20 s ago');
  });
});

describe('deployment form schema (zodResolver over the contract)', () => {
  const typed = (): DeploymentFormValues => ({
    ...filled(),
    name: ' vllm-eu-1 ',
    provider: 'openai-compatible',
    model: ' llama-3.1-8b-instruct ',
    apiBase: ' http://127.0.0.1:8000/v1 ',
    apiKey: 'sk-upstream-1',
    weight: '2',
    rpmLimit: '1,000',
    timeoutMs: '30000',
    tags: 'eu, batch, eu',
    capabilities: ['embeddings', 'chat'],
  });

  /** The schema's issues as the form shows them: one message per field path. */
  function issuesOf(values: DeploymentFormValues, current?: Deployment): Record<string, string> {
    const parsed = deploymentFormSchema(current).safeParse(values);
    expect(parsed.success).toBe(false);
    if (parsed.success) return {};
    return Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join('.'), issue.message]));
  }

  it('turns a valid create form into the body the API takes (the same as buildCreateBody)', () => {
    const values = typed();
    const parsed = deploymentFormSchema().safeParse(values);
    expect(parsed.success && parsed.data).toEqual({
      mode: 'create',
      body: {
        name: 'vllm-eu-1',
        modelGroup: 'gpt-4o-mini',
        provider: 'openai-compatible',
        model: 'llama-3.1-8b-instruct',
        apiBase: 'http://127.0.0.1:8000/v1',
        apiKey: 'sk-upstream-1',
        apiVersion: null,
        weight: 2,
        priority: 0,
        rpmLimit: 1000,
        tpmLimit: null,
        timeoutMs: 30000,
        enabled: true,
        tags: ['eu', 'batch'],
        capabilities: ['chat', 'embeddings'],
        probeIntervalSeconds: null,
        probeMode: 'models',
      },
    });
    const built = buildCreateBody(values);
    expect(parsed.success && built.ok && parsed.data.mode === 'create' && parsed.data.body).toEqual(
      built.ok && built.body,
    );
  });

  it.each([
    ['model', '', 'Upstream model is required.'],
    ['name', 'two words', 'Use letters, digits and . _ : / @ - (no spaces).'],
    ['apiBase', 'not a url', 'Must be a URL such as https://api.openai.com/v1.'],
    ['apiBase', 'ftp://example.com/v1', 'Must start with http:// or https://.'],
    ['weight', '-1', 'Must be 0 or more.'],
    ['weight', '1.5', 'Enter a whole number.'],
    ['rpmLimit', 'ten', 'Enter a number.'],
    ['rpmLimit', '0', 'Must be greater than 0.'],
    ['timeoutMs', '5', 'Must be 100 or more.'],
  ] as const)('refuses %s = %j with its message on that field only', (field, value, message) => {
    expect(issuesOf({ ...typed(), [field]: value })).toEqual({ [field]: message });
  });

  it('refuses a missing API base for providers that need one, on the API base field', () => {
    expect(issuesOf({ ...typed(), provider: 'azure', apiBase: '  ' })).toEqual({
      apiBase: "Is required for provider 'azure'.",
    });
    // The same empty base is fine for OpenAI, which has a default.
    expect(deploymentFormSchema().safeParse({ ...typed(), provider: 'openai', apiBase: '' }).success).toBe(
      true,
    );
  });

  it('refuses a health-check interval under the floor on its field', () => {
    expect(issuesOf({ ...typed(), probeEnabled: true, probeIntervalSeconds: '5' })).toEqual({
      probeIntervalSeconds: 'Check every must be a whole number of seconds, at least 10.',
    });
  });

  it('gives react-hook-form each message under its field through zodResolver', async () => {
    const resolver = zodResolver(deploymentFormSchema());
    const result = await resolver({ ...typed(), model: ' ', weight: '-3' }, undefined, {
      fields: {},
      shouldUseNativeValidation: false,
    });
    expect(result.values).toEqual({});
    expect(result.errors).toEqual({
      model: expect.objectContaining({ message: 'Upstream model is required.' }),
      weight: expect.objectContaining({ message: 'Must be 0 or more.' }),
    });
    const valid = await resolver(typed(), undefined, { fields: {}, shouldUseNativeValidation: false });
    expect(valid.errors).toEqual({});
    expect(valid.values).toMatchObject({ mode: 'create', body: { name: 'vllm-eu-1', rpmLimit: 1000 } });
  });

  it('an edit with nothing changed is an empty patch; a change patches only that field', () => {
    const current = deployment({ weight: 3, tags: ['eu'], capabilities: ['chat'], rpmLimit: 60 });
    const schema = deploymentFormSchema(current);
    const values = initialFormValues(current);
    expect(schema.safeParse(values)).toMatchObject({ success: true, data: { mode: 'edit', patch: {} } });
    expect(schema.safeParse({ ...values, weight: '0', tags: 'eu, ' }).data).toEqual({
      mode: 'edit',
      patch: { weight: 0 },
    });
    expect(schema.safeParse({ ...values, clearApiKey: true }).data).toEqual({
      mode: 'edit',
      patch: { apiKey: null },
    });
  });

  it('refuses an invalid edit on the field, like a create', () => {
    expect(issuesOf({ ...initialFormValues(deployment()), rpmLimit: '-5' }, deployment())).toEqual({
      rpmLimit: 'Must be greater than 0.',
    });
  });
});
