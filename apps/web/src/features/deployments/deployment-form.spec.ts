import type { Deployment } from '@switchboard/contracts';
import { buildCreateBody, buildUpdatePatch, initialFormValues } from './deployment-form';
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
