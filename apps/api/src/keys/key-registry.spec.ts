import { OpenAIError } from '../common/errors';
import type { Admission, Principal } from '../gateway/gateway-auth';
import { FakeClock, T0 } from '../common/testing/fake-clock';
import { InMemoryKeyCounters } from './key-counters';
import { type GatewayKeyRecord, KeyRegistry } from './key-registry';
import { generateVirtualKey, hashVirtualKey, keyDisplayPrefix } from './key-secret';

/** In memory the registry admits synchronously. */
function admitNow(registry: KeyRegistry, ...args: Parameters<KeyRegistry['admit']>): Admission {
  const admission = registry.admit(...args);
  if (admission instanceof Promise) throw new Error('in-memory admission answered with a promise');
  return admission;
}

const MASTER = 'sk-sb-master-key-for-unit-tests';
const SETTLE_MS = 1_250;

function setup() {
  const clock = new FakeClock(T0 + 10_000); // 10 s into a minute
  const registry = new KeyRegistry({
    masterKey: MASTER,
    clock,
    counters: new InMemoryKeyCounters(),
    spendSettleMs: SETTLE_MS,
  });
  const records: GatewayKeyRecord[] = [];
  const addKey = (fields: Partial<GatewayKeyRecord> = {}) => {
    const secret = generateVirtualKey();
    const record: GatewayKeyRecord = {
      id: `00000000-0000-4000-8000-${String(records.length + 1).padStart(12, '0')}`,
      projectId: '11111111-1111-4111-8111-111111111111',
      alias: 'support-bot',
      prefix: keyDisplayPrefix(secret),
      keyHash: hashVirtualKey(secret),
      previousKeyHash: null,
      previousKeyExpiresAt: null,
      models: [],
      rpmLimit: null,
      tpmLimit: null,
      maxParallel: null,
      endUserRpmLimit: null,
      endUserDailyBudgetUsd: null,
      maxBudgetUsd: null,
      budgetPeriod: null,
      budgetResetAt: null,
      periodSpendUsd: 0,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      ...fields,
    };
    records.push(record);
    registry.replace(records, clock.now());
    const principal: Principal = {
      kind: 'virtual',
      keyId: record.id,
      projectId: record.projectId,
      alias: record.alias,
      models: record.models,
    };
    return { secret, record, principal };
  };
  return { clock, registry, records, addKey };
}

function thrown(fn: () => unknown): OpenAIError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpenAIError) return err;
    throw err;
  }
  throw new Error('expected an OpenAIError');
}

describe('KeyRegistry.authenticate', () => {
  it('accepts the master key and known keys, and explains every refusal', () => {
    const { registry, addKey, clock } = setup();
    expect(registry.authenticate(MASTER)).toEqual({ kind: 'master' });
    const { secret, record } = addKey({ alias: null });
    expect(registry.authenticate(secret)).toMatchObject({ kind: 'virtual', keyId: record.id, alias: null });

    for (const token of [null, '', '   ']) {
      const err = thrown(() => registry.authenticate(token));
      expect([err.status, err.code]).toEqual([401, 'missing_api_key']);
      expect(err.message).toMatch(/^Missing API key/);
    }
    const unknown = thrown(() => registry.authenticate('sk-sb-not-a-key'));
    expect([unknown.status, unknown.type, unknown.code]).toEqual([
      401,
      'authentication_error',
      'invalid_api_key',
    ]);
    expect(unknown.message).toBe(
      "Invalid API key. Check the key in your app's model provider settings (Switchboard virtual keys start with sk-sb-).",
    );

    const revoked = addKey({ revokedAt: new Date('2025-01-01T09:30:00Z') });
    expect(thrown(() => registry.authenticate(revoked.secret)).message).toBe(
      'This API key was revoked on 2025-01-01 09:30 UTC.',
    );
    const expiring = addKey({ expiresAt: new Date(clock.now() + 1000) });
    clock.advance(1000);
    expect(thrown(() => registry.authenticate(expiring.secret)).message).toBe(
      `This API key expired on ${new Date(clock.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    );
  });

  it('accepts the previous secret of a rotated key until its grace period ends', () => {
    const { registry, records, clock } = setup();
    const oldSecret = generateVirtualKey();
    const newSecret = generateVirtualKey();
    records.push({
      ...baseRecord(),
      keyHash: hashVirtualKey(newSecret),
      previousKeyHash: hashVirtualKey(oldSecret),
      previousKeyExpiresAt: new Date(clock.now() + 60_000),
    });
    registry.replace(records, clock.now());
    expect(registry.authenticate(oldSecret).kind).toBe('virtual');
    expect(registry.authenticate(newSecret).kind).toBe('virtual');
    clock.advance(60_000);
    expect(thrown(() => registry.authenticate(oldSecret)).message).toMatch(
      /replaced by a new one and stopped working on/,
    );
    expect(registry.authenticate(newSecret).kind).toBe('virtual');
  });
});

/** Every string reachable from `root` through objects, arrays, maps and sets (keys included). */
function reachableStrings(root: unknown, seen = new Set<unknown>()): string[] {
  if (typeof root === 'string') return [root];
  if (root === null || typeof root !== 'object' || seen.has(root)) return [];
  seen.add(root);
  const parts: unknown[] =
    root instanceof Map
      ? [...root.keys(), ...root.values()]
      : root instanceof Set
        ? [...root]
        : Object.values(root);
  return parts.flatMap((p) => reachableStrings(p, seen));
}

describe('KeyRegistry memory', () => {
  it('keeps presented keys only as hashes, never as plaintext (issue #10)', () => {
    const { registry, addKey } = setup();
    const { secret } = addKey();
    for (let i = 0; i < 3; i++) registry.authenticate(secret);
    expect(() => registry.authenticate('sk-sb-someone-elses-guess')).toThrow(OpenAIError);
    const held = reachableStrings(registry);
    expect(held.some((s) => s.includes(secret))).toBe(false);
    expect(held.some((s) => s.includes('sk-sb-someone-elses-guess'))).toBe(false);
  });
});

describe('KeyRegistry.admit', () => {
  it('refuses a model group the key may not use, naming the model, the key and what is allowed', () => {
    const { registry, addKey } = setup();
    const { principal } = addKey({ alias: 'support-bot', models: ['gpt-4.1-mini', 'claude-haiku'] });
    expect(registry.canUseModel(principal, 'gpt-4.1-mini')).toBe(true);
    expect(registry.canUseModel(principal, 'gpt-4.1')).toBe(false);
    const err = thrown(() => admitNow(registry, principal, 'gpt-4.1', 10));
    expect([err.status, err.type, err.code]).toEqual([403, 'permission_error', 'model_not_allowed']);
    expect(err.message).toBe(
      "model 'gpt-4.1' is not allowed for key 'support-bot'. Allowed: gpt-4.1-mini, claude-haiku.",
    );
  });

  it('lets the master key through without limits', () => {
    const { registry } = setup();
    const master: Principal = registry.authenticate(MASTER);
    for (let i = 0; i < 100; i++) admitNow(registry, master, 'anything', 1_000_000);
    expect(registry.canUseModel(master, 'anything')).toBe(true);
  });

  it('allows rpmLimit requests per minute, then answers 429 with Retry-After until the minute ends', () => {
    const { registry, addKey, clock } = setup();
    const { principal } = addKey({ rpmLimit: 5 });
    for (let i = 0; i < 5; i++)
      admitNow(registry, principal, 'gpt-4.1', 10).release({ totalTokens: 10, costUsd: 0 });
    const err = thrown(() => admitNow(registry, principal, 'gpt-4.1', 10));
    expect([err.status, err.type, err.code]).toEqual([429, 'rate_limit_error', 'rate_limit_exceeded']);
    expect(err.headers['retry-after']).toBe('50');
    expect(err.message).toMatch(/5 requests per minute \(rpmLimit\)/);
    clock.advance(50_000);
    expect(() => admitNow(registry, principal, 'gpt-4.1', 10)).not.toThrow();
  });

  it('limits requests in flight to maxParallel, freeing a slot on release', () => {
    const { registry, addKey } = setup();
    const { principal } = addKey({ maxParallel: 2 });
    const first = admitNow(registry, principal, 'm', 1);
    admitNow(registry, principal, 'm', 1);
    const err = thrown(() => admitNow(registry, principal, 'm', 1));
    expect([err.status, err.code, err.headers['retry-after']]).toEqual([429, 'rate_limit_exceeded', '1']);
    expect(err.message).toMatch(/at most 2 at a time \(maxParallel\)/);
    first.release({ totalTokens: 1, costUsd: 0 });
    first.release({ totalTokens: 1, costUsd: 0 }); // a second release must not free another slot
    admitNow(registry, principal, 'm', 1);
    expect(() => admitNow(registry, principal, 'm', 1)).toThrow(OpenAIError);
  });

  it('counts tokens per minute (estimate reserved at admission, actual usage on release)', () => {
    const { registry, addKey, clock } = setup();
    const { principal } = addKey({ tpmLimit: 1000 });
    admitNow(registry, principal, 'm', 100).release({ totalTokens: 900, costUsd: 0 });
    const err = thrown(() => admitNow(registry, principal, 'm', 200));
    expect([err.status, err.code]).toEqual([429, 'rate_limit_exceeded']);
    expect(err.message).toMatch(/1000 tokens per minute \(tpmLimit\); 900 used/);
    expect(err.headers['retry-after']).toBe('50');
    admitNow(registry, principal, 'm', 100); // exactly fills the minute
    expect(() => admitNow(registry, principal, 'm', 1)).toThrow(/tpmLimit/);
    clock.advance(50_000);
    // A single request larger than the whole limit still runs in an empty minute.
    admitNow(registry, principal, 'm', 5000);
  });

  it('refuses with insufficient_quota once the period budget is spent, counting local spend at once', () => {
    const { registry, addKey, clock } = setup();
    const resetAt = new Date(Date.UTC(2025, 0, 2));
    const { principal } = addKey({
      alias: 'support-bot',
      maxBudgetUsd: 1,
      budgetPeriod: 'daily',
      budgetResetAt: resetAt,
      periodSpendUsd: 0.6,
    });
    admitNow(registry, principal, 'm', 1).release({ totalTokens: 1, costUsd: 0.5 });
    const err = thrown(() => admitNow(registry, principal, 'm', 1));
    expect([err.status, err.type, err.code]).toEqual([429, 'insufficient_quota', 'insufficient_quota']);
    expect(err.message).toBe(
      "Budget of $1.00 per day used up for key 'support-bot'; resets at 2025-01-02 00:00 UTC.",
    );
    // Past the reset time a new period has begun, even before the database is reset.
    clock.set(resetAt.getTime() + 1);
    expect(registry.periodSpendUsd(principal.kind === 'virtual' ? principal.keyId : '')).toBe(0);
    admitNow(registry, principal, 'm', 1);
  });

  it('drops local spend on a reload only once the reloaded value includes it', () => {
    const { registry, records, addKey, clock } = setup();
    const { principal, record } = addKey({ maxBudgetUsd: 10, budgetPeriod: 'total' });
    admitNow(registry, principal, 'm', 1).release({ totalTokens: 1, costUsd: 2 });
    expect(registry.periodSpendUsd(record.id)).toBe(2);

    // A reload that started before the log writer can have flushed it: keep counting it locally.
    clock.advance(500);
    registry.replace(records, clock.now());
    expect(registry.periodSpendUsd(record.id)).toBe(2);

    // Later the database has it; a reload after the settle time replaces the local delta by it.
    clock.advance(SETTLE_MS);
    records[0] = { ...record, periodSpendUsd: 2 };
    registry.replace(records, clock.now());
    expect(registry.periodSpendUsd(record.id)).toBe(2);
  });

  it('remembers the last use until a reload brings a later one', () => {
    const { registry, records, addKey, clock } = setup();
    const { principal, record } = addKey();
    const usedAt = clock.now();
    admitNow(registry, principal, 'm', 1);
    registry.replace(records, clock.now()); // database has no lastUsedAt yet
    expect(registry.lastUsedAt(record.id)).toEqual(new Date(usedAt));
    clock.advance(5_000);
    records[0] = { ...record, lastUsedAt: new Date(clock.now()) };
    registry.replace(records, clock.now());
    expect(registry.lastUsedAt(record.id)).toEqual(new Date(clock.now()));
  });

  it('names total budgets as not resetting', () => {
    const { registry, addKey } = setup();
    const { principal } = addKey({ alias: null, maxBudgetUsd: 5, budgetPeriod: 'total', periodSpendUsd: 5 });
    expect(thrown(() => admitNow(registry, principal, 'm', 1)).message).toMatch(
      /^Budget of \$5\.00 used up for key 'sk-sb-.{4}….{4}'; it is a total budget and does not reset/,
    );
  });
});

function baseRecord(): GatewayKeyRecord {
  return {
    id: '00000000-0000-4000-8000-000000000099',
    projectId: '11111111-1111-4111-8111-111111111111',
    alias: 'rotated',
    prefix: 'sk-sb-abcd…wxyz',
    keyHash: '',
    previousKeyHash: null,
    previousKeyExpiresAt: null,
    models: [],
    rpmLimit: null,
    tpmLimit: null,
    maxParallel: null,
    endUserRpmLimit: null,
    endUserDailyBudgetUsd: null,
    maxBudgetUsd: null,
    budgetPeriod: null,
    budgetResetAt: null,
    periodSpendUsd: 0,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
  };
}
