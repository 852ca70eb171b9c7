import { CAPABILITIES } from '@switchboard/contracts';
import { toProbeMode } from './health-probe.plan';
import type { DeploymentRecord } from './deployment.repository';

/** What the audit trail keeps of a deployment: its settings and key hint, never the key or ciphertext. */
export function deploymentSnapshot(d: DeploymentRecord) {
  return {
    id: d.id,
    name: d.name,
    modelGroup: d.modelGroup.name,
    provider: d.provider,
    model: d.model,
    apiBase: d.apiBase,
    apiKeyHint: d.apiKeyHint,
    apiVersion: d.apiVersion,
    weight: d.weight,
    priority: d.priority,
    rpmLimit: d.rpmLimit,
    tpmLimit: d.tpmLimit,
    timeoutMs: d.timeoutMs,
    enabled: d.enabled,
    tags: d.tags,
    capabilities: CAPABILITIES.filter((c) => d.capabilities.includes(c)),
    probeIntervalSeconds: d.probeIntervalSeconds,
    probeMode: toProbeMode(d.probeMode),
  };
}
