import { SecretBox, secretHint } from '../common/crypto';
import { LiveConfigService } from '../routing/live-config.service';
import type { TestApp } from './test-app';

export interface SeedDeployment {
  name: string;
  modelGroup: string;
  apiBase: string;
  apiKey?: string;
  provider?: string;
  model?: string;
  weight?: number | null;
  priority?: number;
  rpmLimit?: number | null;
  enabled?: boolean;
}

/** Writes model groups/deployments straight to the database and reloads the router (tests only). */
export async function seedRouting(
  t: TestApp,
  deployments: SeedDeployment[],
  groups: {
    name: string;
    strategy?: string;
    numRetries?: number;
    fallbacks?: string[];
    allowedFails?: number;
    cooldownSeconds?: number;
  }[] = [],
): Promise<void> {
  const box = new SecretBox(t.config.encryptionKey);
  const names = new Set([...groups.map((g) => g.name), ...deployments.map((d) => d.modelGroup)]);
  for (const name of names) {
    const g = groups.find((x) => x.name === name);
    await t.db.query(
      `INSERT INTO "ModelGroup" (id, name, strategy, "numRetries", fallbacks, "allowedFails", "cooldownSeconds", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (name) DO UPDATE SET strategy = EXCLUDED.strategy, "numRetries" = EXCLUDED."numRetries",
         fallbacks = EXCLUDED.fallbacks, "allowedFails" = EXCLUDED."allowedFails", "cooldownSeconds" = EXCLUDED."cooldownSeconds"`,
      [
        name,
        g?.strategy ?? 'weighted-shuffle',
        g?.numRetries ?? 2,
        g?.fallbacks ?? [],
        g?.allowedFails ?? 3,
        g?.cooldownSeconds ?? 60,
      ],
    );
  }
  for (const d of deployments) {
    const key = d.apiKey ?? `sk-test-${d.name}`;
    await t.db.query(
      `INSERT INTO "Deployment" (id, name, "modelGroupId", provider, model, "apiBase", "apiKeyEncrypted", "apiKeyHint", weight, priority, "rpmLimit", enabled, "updatedAt")
       SELECT gen_random_uuid(), $1, g.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, now() FROM "ModelGroup" g WHERE g.name = $2`,
      [
        d.name,
        d.modelGroup,
        d.provider ?? 'openai-compatible',
        d.model ?? d.modelGroup,
        d.apiBase,
        box.encrypt(key),
        secretHint(key),
        d.weight ?? null,
        d.priority ?? 0,
        d.rpmLimit ?? null,
        d.enabled ?? true,
      ],
    );
  }
  await t.app.get(LiveConfigService).changed();
}
