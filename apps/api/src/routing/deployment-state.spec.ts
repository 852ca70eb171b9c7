import { failureCategory, InMemoryDeploymentState } from './deployment-state';
import type { AttemptError } from './routing.types';
import { T0 } from '../common/testing/fake-clock';

const policy = { allowedFails: 3, cooldownSeconds: 60 };
const error = (overrides: Partial<AttemptError>): AttemptError => ({
  kind: 'server',
  status: 500,
  retryable: true,
  cooldown: false,
  retryAfterMs: null,
  message: 'boom',
  ...overrides,
});

describe('DeploymentStateStore', () => {
  it('keeps an EWMA of latency and TTFT', () => {
    const s = new InMemoryDeploymentState({ ewmaAlpha: 0.5 });
    s.recordSuccess('a', { latencyMs: 100 }, T0);
    s.recordSuccess('a', { latencyMs: 200, ttftMs: 40 }, T0);
    expect(s.peek('a')).toMatchObject({ latencyMs: 150, ttftMs: 40 });
  });

  it('never lets in-flight go negative and creates no state for unknown ids', () => {
    const s = new InMemoryDeploymentState();
    s.release('ghost');
    expect(s.peek('ghost')).toBeUndefined();
    s.acquire('a');
    s.release('a');
    s.release('a');
    expect(s.peek('a')?.inFlight).toBe(0);
  });

  it('classifies failures by what they say about the deployment', () => {
    expect(failureCategory(error({ status: 401, kind: 'auth', retryable: false }))).toBe('auth');
    expect(failureCategory(error({ status: 403, kind: 'other', retryable: false }))).toBe('auth');
    expect(failureCategory(error({ status: 429, kind: 'rate_limit', cooldown: true }))).toBe('rate_limited');
    expect(failureCategory(error({ status: 502, kind: 'connection', cooldown: true }))).toBe('failures');
    expect(failureCategory(error({ status: 500 }))).toBe('failures');
    expect(failureCategory(error({ status: 400, kind: 'bad_request', retryable: false }))).toBeNull();
  });

  it('cools an unreachable deployment down at once and never shortens a running cooldown', () => {
    const s = new InMemoryDeploymentState();
    expect(s.recordFailure('a', error({ kind: 'connection', cooldown: true }), T0, policy)).toBe('failures');
    expect(s.cooldownUntil('a', T0)).toBe(T0 + 60_000);
    s.recordFailure(
      'a',
      error({ kind: 'rate_limit', status: 429, cooldown: true, retryAfterMs: 5_000 }),
      T0,
      policy,
    );
    expect(s.cooldownUntil('a', T0)).toBe(T0 + 60_000);
    expect(s.peek('a')?.cooldownReason).toBe('failures');
    expect(s.cooldownUntil('a', T0 + 60_000)).toBeNull();
  });

  it("tolerates allowedFails failures (LiteLLM's allowed_fails) and cools down at the next; 0 at the first", () => {
    const s = new InMemoryDeploymentState();
    for (const t of [0, 1, 2]) expect(s.recordFailure('a', error({}), T0 + t, policy)).toBeNull();
    expect(s.cooldownUntil('a', T0 + 2)).toBeNull();
    expect(s.recordFailure('a', error({}), T0 + 3, policy)).toBe('failures');
    expect(s.recordFailure('b', error({}), T0, { allowedFails: 0, cooldownSeconds: 60 })).toBe('failures');
  });

  it('starts counting failures afresh after a cooldown', () => {
    const s = new InMemoryDeploymentState();
    for (const t of [0, 1, 2, 3]) s.recordFailure('a', error({}), T0 + t, policy);
    expect(s.cooldownUntil('a', T0 + 3)).toBe(T0 + 3 + 60_000);
    const back = T0 + 3 + 60_000;
    expect(s.recordFailure('a', error({}), back, policy)).toBeNull();
    expect(s.cooldownUntil('a', back)).toBeNull();
  });

  it('reads upstream rate-limit headers while they are fresh, minus what we sent since', () => {
    const s = new InMemoryDeploymentState();
    const rateLimit = {
      remainingRequests: 2,
      remainingTokens: 5_000,
      resetRequestsMs: 10_000,
      resetTokensMs: 20_000,
      limitRequests: 10,
      limitTokens: 10_000,
    };
    s.recordSuccess('a', { latencyMs: 1, rateLimit }, T0);
    expect(s.upstreamHeadroom('a', T0, null, null)).toBe(0.2);
    s.acquire('a');
    expect(s.upstreamHeadroom('a', T0, null, null)).toBe(0.1);
    expect(s.upstreamBlockedUntil('a', T0)).toBeNull();
    s.acquire('a');
    expect(s.upstreamBlockedUntil('a', T0)).toBe(T0 + 10_000);
    expect(s.upstreamHeadroom('a', T0, null, null)).toBe(0);
    // Request headers expire first; the token numbers still count until their own reset.
    expect(s.upstreamBlockedUntil('a', T0 + 10_000)).toBeNull();
    expect(s.upstreamHeadroom('a', T0 + 10_000, null, null)).toBe(0.5);
    expect(s.upstreamHeadroom('a', T0 + 20_000, null, null)).toBeNull();
  });

  it('uses our configured limits as the denominator when the upstream sends no limit header', () => {
    const s = new InMemoryDeploymentState();
    const rateLimit = {
      remainingRequests: 30,
      remainingTokens: null,
      resetRequestsMs: null,
      resetTokensMs: null,
    };
    s.recordSuccess('a', { latencyMs: 1, rateLimit }, T0);
    expect(s.upstreamHeadroom('a', T0, 60, null)).toBe(0.5);
    expect(s.upstreamHeadroom('a', T0, null, null)).toBeNull();
    expect(s.upstreamHeadroom('a', T0 + 60_000, 60, null)).toBeNull(); // no reset header: trusted for a minute
  });

  describe('probes (half-open)', () => {
    const ok = { at: T0, ok: true, status: 200, latencyMs: 12, message: 'Connected' };

    it('lifts a bench for failures or a rejected key as soon as a probe answers, and keeps the result', () => {
      const s = new InMemoryDeploymentState();
      const zero = { allowedFails: 0, cooldownSeconds: 600, maxCooldownSeconds: 600 };
      s.recordFailure('a', error({ kind: 'timeout', status: 408 }), T0, zero);
      expect(s.cooldownUntil('a', T0 + 1)).toBe(T0 + 600_000);
      s.recordProbe('a', null, T0 + 1, zero, ok);
      expect(s.cooldownUntil('a', T0 + 1)).toBeNull();
      expect(s.peek('a')?.lastProbe).toEqual(ok);

      s.recordProbe('b', error({ kind: 'auth', status: 401, retryable: false, cooldown: true }), T0, zero);
      expect(s.peek('b')?.cooldownReason).toBe('auth');
      s.recordProbe('b', null, T0 + 1, zero);
      expect(s.cooldownUntil('b', T0 + 1)).toBeNull();
    });

    it('never lifts a rate-limit bench: the provider still refuses completions', () => {
      const s = new InMemoryDeploymentState();
      s.recordFailure(
        'a',
        error({ kind: 'rate_limit', status: 429, cooldown: true, retryAfterMs: 30_000 }),
        T0,
        policy,
      );
      s.recordProbe('a', null, T0 + 1, policy, ok);
      expect(s.cooldownUntil('a', T0 + 1)).toBe(T0 + 30_000);
      expect(s.peek('a')?.lastProbe).toEqual(ok);
    });

    it('a failed probe other than a rejected key is the last error, not a bench', () => {
      const s = new InMemoryDeploymentState();
      s.recordProbe('a', error({ kind: 'connection', status: 502, cooldown: true }), T0, policy);
      expect(s.cooldownUntil('a', T0)).toBeNull();
      expect(s.peek('a')?.lastError).toMatch(/connection/);
    });

    it('applies a reset made on another instance without telling it back', () => {
      const s = new InMemoryDeploymentState();
      const heard: number[] = [];
      s.onCooldown((_id, until) => heard.push(until));
      s.applyRemoteCooldown('a', T0 + 60_000, 'failures');
      s.applyRemoteReset('a');
      expect(s.cooldownUntil('a', T0)).toBeNull();
      expect(heard).toEqual([]);
    });
  });
});
