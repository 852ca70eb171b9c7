import { Injectable } from '@nestjs/common';
import type { DeploymentTestResult } from '@switchboard/contracts';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { SecretBox } from '../common/crypto';
import { getProvider, isProviderName } from '../providers/provider-registry';
import type { UpstreamRequest, UpstreamTarget } from '../providers/provider.types';
import { redactSecrets } from '../providers/shared/redact-secrets';
import { classifyUpstreamError } from '../providers/upstream-error';
import { Router } from '../routing/router';
import { deploymentNotFound, isDeploymentId } from './deployment-id';
import { DeploymentRepository } from './deployment.repository';

const TEST_TIMEOUT_MS = 10_000;

/**
 * "Test connection": one tiny real request (the provider's own health check) with the deployment's
 * stored settings. The answer is always a result, never an error: ok, or what the upstream said. The
 * result is the deployment's live state too: its last success or last error, and a rejected key benches
 * it (as a failed request would) while a success lifts such a bench.
 */
@Injectable()
export class ConnectionTestService {
  constructor(
    private readonly box: SecretBox,
    private readonly repo: DeploymentRepository,
    private readonly router: Router,
  ) {}

  async test(id: string): Promise<DeploymentTestResult> {
    const d = isDeploymentId(id) ? await this.repo.findConnectionTarget(id) : null;
    if (!d) throw deploymentNotFound(id);
    if (!isProviderName(d.provider)) return failed(`Unknown provider '${d.provider}'.`);

    let apiKey: string | null = null;
    if (d.apiKeyEncrypted) {
      try {
        apiKey = this.box.decrypt(d.apiKeyEncrypted);
      } catch {
        return failed(
          'The stored API key cannot be decrypted: was ENCRYPTION_KEY changed? Set the key again.',
        );
      }
    }
    const target: UpstreamTarget = { apiBase: d.apiBase, apiKey, apiVersion: d.apiVersion, model: d.model };
    const adapter = getProvider(d.provider);
    let check: UpstreamRequest;
    try {
      check = adapter.buildHealthCheck(target);
    } catch (err) {
      return failed(redactSecrets(err instanceof Error ? err.message : String(err), [apiKey]));
    }

    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const res = await request(check.url, {
        method: check.method,
        headers: check.headers,
        body: check.body,
        headersTimeout: TEST_TIMEOUT_MS,
        bodyTimeout: TEST_TIMEOUT_MS,
        signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
      });
      const text = await res.body.text();
      const latencyMs = elapsed();
      if (res.statusCode < 400) {
        this.router.recordProbe(d.id, null);
        return {
          ok: true,
          status: res.statusCode,
          latencyMs,
          message: `Connected: HTTP ${res.statusCode} in ${latencyMs} ms.`,
        };
      }
      const error = adapter.mapErrorBody(res.statusCode, text, target);
      const message = redactSecrets(error.message, [apiKey]);
      this.router.recordProbe(d.id, {
        ...classifyUpstreamError({ status: res.statusCode, body: text }),
        message,
      });
      return { ok: false, status: res.statusCode, latencyMs, message };
    } catch (err) {
      const latencyMs = elapsed();
      const error = classifyUpstreamError({ error: err });
      const message = redactSecrets(
        error.kind === 'timeout'
          ? `The upstream did not answer within ${TEST_TIMEOUT_MS / 1000} s.`
          : `Could not reach the upstream: ${error.message}`,
        [apiKey],
      );
      this.router.recordProbe(d.id, { ...error, message });
      return { ok: false, status: null, latencyMs, message };
    }
  }
}

function failed(message: string): DeploymentTestResult {
  return { ok: false, status: null, latencyMs: 0, message };
}
