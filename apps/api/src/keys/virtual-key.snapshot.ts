import type { KeyRow } from './virtual-key.repository';

/** What the audit trail keeps of a key: settings and state, never the secret or its hash. */
export function virtualKeySnapshot(key: KeyRow) {
  return {
    id: key.id,
    projectId: key.projectId,
    alias: key.alias,
    prefix: key.prefix,
    models: key.models,
    rpmLimit: key.rpmLimit,
    tpmLimit: key.tpmLimit,
    maxParallel: key.maxParallel,
    endUserRpmLimit: key.endUserRpmLimit,
    endUserDailyBudgetUsd: key.endUserDailyBudgetUsd,
    maxBudgetUsd: key.maxBudgetUsd,
    budgetPeriod: key.budgetPeriod,
    budgetResetAt: key.budgetResetAt,
    expiresAt: key.expiresAt,
    metadata: key.metadata,
    revokedAt: key.revokedAt,
    previousKeyExpiresAt: key.previousKeyExpiresAt,
  };
}
