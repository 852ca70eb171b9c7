import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const secretsSchema = z.object({ masterKey: z.string().min(8), encryptionKey: z.string().min(32) });
export type DevSecrets = z.infer<typeof secretsSchema>;

/**
 * Outside production a missing MASTER_KEY / ENCRYPTION_KEY is generated once and kept in
 * DATA_DIR/secrets.json, so restarts keep working logins and decryptable upstream keys.
 */
export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets & { created: boolean }> {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const parsed = secretsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is damaged; delete it to generate new development secrets`);
    return { ...parsed.data, created: false };
  }
  const secrets: DevSecrets = {
    masterKey: `sk-sb-master-${randomBytes(24).toString('base64url')}`,
    encryptionKey: randomBytes(32).toString('base64url'),
  };
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return { ...secrets, created: true };
}
