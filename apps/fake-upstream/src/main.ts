/**
 * CLI entry: `tsx apps/fake-upstream/src/main.ts --port 4010 --name a --ttft-ms 50`.
 * Every flag falls back to an env var (`--latency-ms` → `FAKE_UPSTREAM_LATENCY_MS`) so docker-compose
 * and bench scripts can configure instances without building command lines.
 */
import { parseArgs } from 'node:util';
import { startFakeUpstream, type FakeFault, type FakeUpstreamOptions } from './fake-upstream';

export const USAGE = `Usage: fake-upstream [options]

  --port <n>                  listen port (0 = random, default 0)
  --host <addr>               listen address (default 127.0.0.1)
  --name <name>               instance name, used in replies and stats (default "fake")
  --models <a,b,...>          models listed by GET /v1/models
  --latency-ms <n>            delay before a response / before stream headers
  --ttft-ms <n>               delay before the first streamed token
  --tokens-per-second <n>     streaming pace (0 = unpaced)
  --completion-tokens <n>     reply length in tokens (default 16)
  --dimensions <n>            embedding size (default 8)
  --require-api-key <k1,k2>   accepted API keys (401 otherwise)
  --rate-limit-headers        send x-ratelimit-* headers
  --rpm <n> / --tpm <n>       per-minute limits; exceeding them answers 429
  --tool-calls                answer requests with tools using a tool call
  --fault <kind|status>       none | hang | reset | midstream | <HTTP status, e.g. 503>
  --fault-rate <0..1>         fraction of requests affected (deterministic)
  --fault-count <n>           only the next n requests
  --fault-after-chunks <n>    midstream: chunks sent before the socket is destroyed
  --fault-retry-after <s>     Retry-After seconds for status faults
  --max-recorded-requests <n> requests kept for /_fake/requests (default 50)
  --cached-tokens <n>         prompt tokens reported as cached (prompt_tokens_details.cached_tokens)
  -h, --help                  show this help

Each flag can also be set with FAKE_UPSTREAM_<FLAG> (e.g. FAKE_UPSTREAM_PORT=4010).`;

const STRING_FLAGS = [
  'port',
  'host',
  'name',
  'models',
  'latency-ms',
  'ttft-ms',
  'tokens-per-second',
  'completion-tokens',
  'dimensions',
  'require-api-key',
  'rpm',
  'tpm',
  'fault',
  'fault-rate',
  'fault-count',
  'fault-after-chunks',
  'fault-retry-after',
  'max-recorded-requests',
  'cached-tokens',
] as const;
const BOOLEAN_FLAGS = ['rate-limit-headers', 'tool-calls'] as const;

type StringFlag = (typeof STRING_FLAGS)[number];
type BooleanFlag = (typeof BOOLEAN_FLAGS)[number];

export interface CliArgs {
  help: boolean;
  options: FakeUpstreamOptions;
}

function envName(flag: string): string {
  return `FAKE_UPSTREAM_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function toNumber(flag: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new Error(`--${flag} must be a number, got '${raw}'`);
  return value;
}

function toList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Parses flags (env vars as fallback) into start options; throws on malformed values. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const flag of STRING_FLAGS) options[flag] = { type: 'string' };
  for (const flag of BOOLEAN_FLAGS) options[flag] = { type: 'boolean' };
  const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });

  const str = (flag: StringFlag): string | undefined => {
    const v = values[flag];
    return typeof v === 'string' ? v : env[envName(flag)];
  };
  const num = (flag: StringFlag): number | undefined => {
    const v = str(flag);
    return v === undefined ? undefined : toNumber(flag, v);
  };
  const bool = (flag: BooleanFlag): boolean | undefined => {
    const v = values[flag];
    if (typeof v === 'boolean') return v;
    const e = env[envName(flag)];
    return e === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(e.trim().toLowerCase());
  };

  const out: FakeUpstreamOptions = {
    port: num('port'),
    host: str('host'),
    name: str('name'),
    latencyMs: num('latency-ms'),
    ttftMs: num('ttft-ms'),
    tokensPerSecond: num('tokens-per-second'),
    completionTokens: num('completion-tokens'),
    dimensions: num('dimensions'),
    rateLimitHeaders: bool('rate-limit-headers'),
    toolCalls: bool('tool-calls'),
    maxRecordedRequests: num('max-recorded-requests'),
    cachedTokens: num('cached-tokens'),
  };
  const models = str('models');
  if (models !== undefined) out.models = toList(models);
  const keys = str('require-api-key');
  if (keys !== undefined) out.requireApiKey = toList(keys);
  const rpm = num('rpm');
  const tpm = num('tpm');
  if (rpm !== undefined || tpm !== undefined) out.rateLimit = { rpm, tpm };

  const faultRaw = str('fault');
  if (faultRaw !== undefined) {
    const kind = faultRaw.trim().toLowerCase();
    const fault: FakeFault =
      kind === 'none' || kind === 'hang' || kind === 'reset' || kind === 'midstream' || kind === 'status'
        ? { kind }
        : { kind: 'status', status: toNumber('fault', kind) };
    fault.rate = num('fault-rate');
    fault.count = num('fault-count');
    fault.afterChunks = num('fault-after-chunks');
    fault.retryAfterSeconds = num('fault-retry-after');
    out.fault = fault;
  }
  // Drop unset keys so startFakeUpstream applies its defaults.
  const clean = Object.fromEntries(
    Object.entries(out).filter(([, v]) => v !== undefined),
  ) as FakeUpstreamOptions;
  return { help: values.help === true, options: clean };
}

export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env = process.env,
): Promise<void> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv, env);
  } catch (err) {
    console.error(`fake-upstream: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const upstream = await startFakeUpstream(args.options);
  console.log(`fake-upstream ${upstream.config().name} listening on ${upstream.url}`);

  let stopping = false;
  const shutdown = (): void => {
    // A second signal means "now": don't wait for the graceful close.
    if (stopping) process.exit(1);
    stopping = true;
    void upstream.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`fake-upstream: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
