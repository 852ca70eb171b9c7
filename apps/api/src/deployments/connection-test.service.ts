import { Injectable } from '@nestjs/common';
import type { DeploymentTestResult } from '@switchboard/contracts';
import { SecretBox } from '../common/crypto';
import type { UpstreamTarget } from '../providers/provider.types';
import { Router } from '../routing/router';
import { deploymentNotFound, isDeploymentId } from './deployment-id';
import { DeploymentRepository } from './deployment.repository';
import { probeUpstream } from './upstream-probe';

const TEST_TIMEOUT_MS = 10_000;

/**
 * "Test connection": one tiny real request (the provider's own health check) with the deployment's
 * stored settings. The answer is always a result, never an error: ok, or what the upstream said. The
 * result is the deployment's live state too: its last success or last error (and last probe), and a
 * rejected key benches it (as a failed request would) while a success lifts such a bench.
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

    let apiKey: string | null = null;
    if (d.apiKeyEncrypted) {
      try {
        apiKey = this.box.decrypt(d.apiKeyEncrypted);
      } catch {
        return {
          ok: false,
          status: null,
          latencyMs: 0,
          message: 'The stored API key cannot be decrypted: was ENCRYPTION_KEY changed? Set the key again.',
        };
      }
    }
    const target: UpstreamTarget = { apiBase: d.apiBase, apiKey, apiVersion: d.apiVersion, model: d.model };
    const outcome = await probeUpstream(d.provider, target, { mode: 'models', timeoutMs: TEST_TIMEOUT_MS });
    if (outcome.sent) this.router.recordProbe(d.id, outcome.error, outcome.result);
    return outcome.result;
  }
}
