import type { ModelGroup } from '../generated/prisma/client';

/** What the audit trail keeps of a model group (its policy; nothing secret lives here). */
export function modelGroupSnapshot(group: ModelGroup) {
  return {
    id: group.id,
    name: group.name,
    strategy: group.strategy,
    numRetries: group.numRetries,
    fallbacks: group.fallbacks,
    allowedFails: group.allowedFails,
    cooldownSeconds: group.cooldownSeconds,
    maxCooldownSeconds: group.maxCooldownSeconds,
    timeoutMs: group.timeoutMs,
    streamIdleTimeoutMs: group.streamIdleTimeoutMs,
  };
}
