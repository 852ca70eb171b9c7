import { buildProbeRequest } from './upstream-probe';
import {
  HALF_OPEN_PROBE_MS,
  isProbeDue,
  probeFloorSeconds,
  probePlan,
  toProbeMode,
} from './health-probe.plan';
import { getProvider } from '../providers/provider-registry';

const base = { enabled: true, benchedFor: null } as const;

describe('probePlan', () => {
  it('probes nothing while health checks are off and the deployment is in rotation, or disabled', () => {
    expect(probePlan({ ...base, probeIntervalSeconds: null }, 10)).toBeNull();
    expect(
      probePlan({ ...base, enabled: false, probeIntervalSeconds: 60, benchedFor: 'auth' }, 10),
    ).toBeNull();
  });

  it('probes every interval with the chosen mode, never more often than the floor', () => {
    expect(probePlan({ ...base, probeIntervalSeconds: 60, probeMode: 'chat' }, 10)).toEqual({
      mode: 'chat',
      everyMs: 60_000,
      halfOpen: false,
    });
    expect(probePlan({ ...base, probeIntervalSeconds: 2 }, 10)?.everyMs).toBe(10_000);
    expect(probePlan({ ...base, probeIntervalSeconds: 2 }, 1)?.everyMs).toBe(2_000);
  });

  it('probes a deployment benched for failures or a rejected key half-open, free check only when checks are off', () => {
    expect(probePlan({ ...base, benchedFor: 'failures' }, 10)).toEqual({
      mode: 'models',
      everyMs: HALF_OPEN_PROBE_MS,
      halfOpen: true,
    });
    expect(
      probePlan({ ...base, benchedFor: 'auth', probeIntervalSeconds: 3600, probeMode: 'chat' }, 10),
    ).toEqual({ mode: 'chat', everyMs: HALF_OPEN_PROBE_MS, halfOpen: true });
    expect(probePlan({ ...base, benchedFor: 'failures', probeIntervalSeconds: 2 }, 1)?.everyMs).toBe(2_000);
  });

  it('treats a rate-limit bench like rotation (a probe answering does not lift it)', () => {
    expect(probePlan({ ...base, benchedFor: 'rate_limited' }, 10)).toBeNull();
    expect(probePlan({ ...base, benchedFor: 'rate_limited', probeIntervalSeconds: 60 }, 10)).toMatchObject({
      everyMs: 60_000,
      halfOpen: false,
    });
  });

  it('is due when never probed or once the interval has passed', () => {
    const plan = { mode: 'models', everyMs: 5_000, halfOpen: false } as const;
    expect(isProbeDue(plan, undefined, 1_000)).toBe(true);
    expect(isProbeDue(plan, 1_000, 5_999)).toBe(false);
    expect(isProbeDue(plan, 1_000, 6_000)).toBe(true);
  });

  it('reads the floor from the config (10 s unless lowered) and unknown stored modes as the free check', () => {
    expect(probeFloorSeconds({})).toBe(10);
    expect(probeFloorSeconds({ healthProbeMinIntervalSeconds: 1 })).toBe(1);
    expect(toProbeMode('chat')).toBe('chat');
    expect(toProbeMode('bogus')).toBe('models');
  });
});

describe('buildProbeRequest', () => {
  const target = { apiBase: 'http://127.0.0.1:1/v1', apiKey: 'sk-x', apiVersion: null, model: 'm-1' };

  it("models: the provider's free check, no body", () => {
    const req = buildProbeRequest(getProvider('openai-compatible'), target, 'models');
    expect(req).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:1/v1/models', body: undefined });
  });

  it('chat: a 1-token chat completion through the adapter', () => {
    const req = buildProbeRequest(getProvider('openai-compatible'), target, 'chat');
    expect(req.method).toBe('POST');
    expect(req.url).toBe('http://127.0.0.1:1/v1/chat/completions');
    expect(JSON.parse(String(req.body))).toMatchObject({ model: 'm-1', max_tokens: 1 });
    const anthropic = buildProbeRequest(getProvider('anthropic'), { ...target, apiBase: null }, 'chat');
    expect(JSON.parse(String(anthropic.body))).toMatchObject({ model: 'm-1', max_tokens: 1 });
  });

  it.each(['o3-mini', 'o1', 'gpt-5', 'gpt-5-mini', 'openai/o4-mini'])(
    'chat: %s, a reasoning model that refuses max_tokens, gets max_completion_tokens instead',
    (model) => {
      for (const provider of ['openai', 'openai-compatible'] as const) {
        const body = JSON.parse(
          String(buildProbeRequest(getProvider(provider), { ...target, model }, 'chat').body),
        );
        expect(body).not.toHaveProperty('max_tokens');
        expect(body.max_completion_tokens).toBeGreaterThan(0);
      }
    },
  );
});
