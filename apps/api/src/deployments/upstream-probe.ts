import type { DeploymentTestResult, ProbeMode } from '@switchboard/contracts';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { getProvider, isProviderName } from '../providers/provider-registry';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget } from '../providers/provider.types';
import { probeTokenLimit } from '../providers/shared/probe-token-limit';
import { redactSecrets } from '../providers/shared/redact-secrets';
import { classifyUpstreamError } from '../providers/upstream-error';
import type { AttemptError } from '../routing/routing.types';

/** What one probe found: the result shown to people, and what it means for the deployment's live state. */
export interface UpstreamProbeOutcome {
  result: DeploymentTestResult;
  /** The failure as the router reads it; null on success. */
  error: AttemptError | null;
  /** False when nothing was sent (unknown provider, settings the adapter cannot express). */
  sent: boolean;
}

export interface UpstreamProbeOptions {
  mode: ProbeMode;
  timeoutMs: number;
  /** Aborts the probe (e.g. at shutdown); reported like a timeout. */
  signal?: AbortSignal;
}

/**
 * The smallest request that tells whether the deployment's settings work: `models` is the provider's own
 * free check (e.g. `GET {apiBase}/models`); `chat` a 1-token chat completion (16 completion tokens for a reasoning model), which the provider bills.
 */
export function buildProbeRequest(adapter: ProviderAdapter, target: UpstreamTarget, mode: ProbeMode) {
  if (mode === 'models') return adapter.buildHealthCheck(target);
  return adapter.buildRequest(
    {
      capability: 'chat',
      body: {
        model: target.model,
        messages: [{ role: 'user', content: 'ping' }],
        ...probeTokenLimit(target.model),
      },
      stream: false,
    },
    target,
  );
}

/**
 * Sends one probe with the deployment's settings. Never throws: a failure is a result that says what the
 * upstream answered (secrets redacted). Shared by "Test connection" and the background health checks.
 */
export async function probeUpstream(
  provider: string,
  target: UpstreamTarget,
  options: UpstreamProbeOptions,
): Promise<UpstreamProbeOutcome> {
  if (!isProviderName(provider)) return notSent(`Unknown provider '${provider}'.`);
  const adapter = getProvider(provider);
  const secrets = [target.apiKey];
  let probe: UpstreamRequest;
  try {
    probe = buildProbeRequest(adapter, target, options.mode);
  } catch (err) {
    return notSent(redactSecrets(err instanceof Error ? err.message : String(err), secrets));
  }

  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const res = await request(probe.url, {
      method: probe.method,
      headers: probe.headers,
      body: probe.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      signal,
    });
    const text = await res.body.text();
    const latencyMs = elapsed();
    if (res.statusCode < 400) {
      return {
        result: {
          ok: true,
          status: res.statusCode,
          latencyMs,
          message: `Connected: HTTP ${res.statusCode} in ${latencyMs} ms.`,
        },
        error: null,
        sent: true,
      };
    }
    const mapped = adapter.mapErrorBody(res.statusCode, text, target);
    const message = redactSecrets(mapped.message, secrets);
    return {
      result: { ok: false, status: res.statusCode, latencyMs, message },
      error: { ...classifyUpstreamError({ status: res.statusCode, body: text }), message },
      sent: true,
    };
  } catch (err) {
    const latencyMs = elapsed();
    const error = classifyUpstreamError({ error: err });
    const message = redactSecrets(
      error.kind === 'timeout' || signal.aborted
        ? `The upstream did not answer within ${options.timeoutMs / 1000} s.`
        : `Could not reach the upstream: ${error.message}`,
      secrets,
    );
    return {
      result: { ok: false, status: null, latencyMs, message },
      error: { ...error, message },
      sent: true,
    };
  }
}

function notSent(message: string): UpstreamProbeOutcome {
  return { result: { ok: false, status: null, latencyMs: 0, message }, error: null, sent: false };
}
