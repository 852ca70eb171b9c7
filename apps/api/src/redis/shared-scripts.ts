import type { Redis } from 'ioredis';

/** One script operation: a Lua function body over `K` (its keys) and `A` (its arguments). */
export interface ScriptOp {
  readonly name: string;
  /** How many keys it takes, or 'variable' (then its Lua reads `#K`). */
  readonly keys: number | 'variable';
  /** Lua statements; `K[i]` and `A[i]` are the op's own keys and arguments, and it must `return` a value. */
  readonly lua: string;
}

type Arg = string | number;

interface Queued {
  op: ScriptOp;
  keys: readonly string[];
  args: readonly Arg[];
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type BatchCommand = Redis & Record<string, (...args: Arg[]) => Promise<unknown[]>>;

/** Longest an operation sent with `runLater` waits for a batch to ride on. */
export const LATER_MAX_WAIT_MS = 5;

/**
 * Runs the gateway's Redis scripts (key admission, deployment reservations, settling...) so that every
 * operation issued in the same tick travels in ONE `EVALSHA` of one dispatcher script: a request's key
 * admission and its first deployment reservation cost one round trip and one command, and under load many
 * requests' operations share a command. Each operation keeps its own atomicity (a script runs alone in
 * Redis, so the whole batch is atomic too). A batch that fails (Redis away, timeout) rejects every
 * operation in it; callers fall back to their local counters.
 *
 * The keys of one batch may live anywhere: a single Redis (or a Sentinel-managed primary), not Redis
 * Cluster, whose scripts must keep to one hash slot.
 */
export class SharedScripts {
  private readonly ops = new Map<string, ScriptOp>();
  private command: string | null = null;
  private version = 0;
  private queue: Queued[] = [];
  /** Operations nobody waits for (settling, token counts): sent with the next batch, or within 5 ms. */
  private later: Queued[] = [];
  private laterTimer: NodeJS.Timeout | null = null;

  constructor(private readonly client: Redis) {}

  /** Registers an operation (once per name; the script is rebuilt on the next batch). */
  define(op: ScriptOp): void {
    const known = this.ops.get(op.name);
    if (known) {
      if (known.lua !== op.lua) throw new Error(`script op '${op.name}' redefined`);
      return;
    }
    this.ops.set(op.name, op);
    this.command = null;
  }

  /** Queues `op`; it is sent with everything else queued in this tick. */
  run<T>(op: ScriptOp, keys: readonly string[], args: readonly Arg[]): Promise<T> {
    this.check(op, keys);
    return new Promise<T>((resolve, reject) => {
      if (this.queue.length === 0) process.nextTick(() => void this.flush());
      this.queue.push({ op, keys, args, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /**
   * Like `run`, for an operation nobody waits for (a request's settling after its answer went out): it rides
   * on the next batch (another request's admission), placed first in it, or leaves within
   * LATER_MAX_WAIT_MS. Under load a request then costs one command, not two.
   */
  runLater<T>(op: ScriptOp, keys: readonly string[], args: readonly Arg[]): Promise<T> {
    this.check(op, keys);
    return new Promise<T>((resolve, reject) => {
      this.later.push({ op, keys, args, resolve: resolve as (value: unknown) => void, reject });
      if (this.laterTimer === null) {
        this.laterTimer = setTimeout(() => void this.flush(), LATER_MAX_WAIT_MS);
        this.laterTimer.unref();
      }
    });
  }

  /** Sends what is queued now and waits for it (shutdown: nothing deferred is left behind). */
  async drain(): Promise<void> {
    await this.flush();
  }

  private check(op: ScriptOp, keys: readonly string[]): void {
    if (op.keys !== 'variable' && keys.length !== op.keys)
      throw new Error(`script op '${op.name}' takes ${op.keys} keys`);
    if (!this.ops.has(op.name)) this.define(op);
  }

  private flush(): Promise<void> {
    let batch = this.queue;
    this.queue = [];
    if (this.later.length > 0) {
      // Settling first: a slot freed before the admissions in the same batch is a slot they can take.
      batch = batch.length > 0 ? [...this.later, ...batch] : this.later;
      this.later = [];
      if (this.laterTimer) clearTimeout(this.laterTimer);
      this.laterTimer = null;
    }
    if (batch.length === 0) return Promise.resolve();
    const keys: string[] = [];
    const args: Arg[] = [batch.length];
    for (const q of batch) {
      keys.push(...q.keys);
      args.push(q.op.name, q.keys.length, q.args.length, ...q.args);
    }
    const client = this.client as BatchCommand;
    return client[this.command ?? this.build()](keys.length, ...keys, ...args)
      .then((results) => {
        for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
      })
      .catch((error: unknown) => {
        for (const q of batch) q.reject(error);
      });
  }

  /** The dispatcher: runs each queued op in order over its slice of KEYS and ARGV. */
  private build(): string {
    const functions = [...this.ops.values()]
      .map((op) => `OPS[${JSON.stringify(op.name)}] = function(K, A)\n${op.lua}\nend`)
      .join('\n');
    const lua = `
local OPS = {}
${functions}
local results = {}
local k, a = 1, 2
for i = 1, tonumber(ARGV[1]) do
  local name, nk, na = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local fn = OPS[name]
  if not fn then return redis.error_reply('unknown script op ' .. name) end
  local K, A = {}, {}
  for j = 1, nk do K[j] = KEYS[k + j - 1] end
  for j = 1, na do A[j] = ARGV[a + 2 + j] end
  results[i] = fn(K, A)
  k, a = k + nk, a + 3 + na
end
return results
`;
    this.version += 1;
    const name = `sbOps${this.version}`;
    this.client.defineCommand(name, { lua });
    this.command = name;
    return name;
  }
}
