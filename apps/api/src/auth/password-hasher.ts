import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id (memory-hard, OWASP's current first choice) through @node-rs/argon2: prebuilt binaries from
 * npm, no native build step. The library's defaults are OWASP's minimum (19 MiB, 2 passes).
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the email is unknown, so an unknown address costs as long as a wrong password.
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hash('switchboard-no-such-account');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
