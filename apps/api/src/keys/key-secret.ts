import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../common/crypto';

export const VIRTUAL_KEY_PREFIX = 'sk-sb-';
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62^43 > 2^256: as much entropy as 32 random bytes, in characters a double-click selects whole. */
const SECRET_CHARS = 43;

/** A new virtual key: `sk-sb-` + 43 base62 characters from the CSPRNG. */
export function generateVirtualKey(random: (size: number) => Buffer = randomBytes): string {
  let secret = '';
  while (secret.length < SECRET_CHARS) {
    for (const byte of random(64)) {
      // Rejection sampling (248 = 4 * 62) keeps every character equally likely.
      if (byte >= 248) continue;
      secret += ALPHABET[byte % 62];
      if (secret.length === SECRET_CHARS) break;
    }
  }
  return VIRTUAL_KEY_PREFIX + secret;
}

/** What is stored and looked up: the key itself never is. */
export function hashVirtualKey(key: string): string {
  return sha256Hex(key);
}

/** `sk-sb-AbCd…wxyz`: enough to recognise a key in a list, never enough to use it. */
export function keyDisplayPrefix(key: string): string {
  const body = key.startsWith(VIRTUAL_KEY_PREFIX) ? key.slice(VIRTUAL_KEY_PREFIX.length) : key;
  return `${VIRTUAL_KEY_PREFIX}${body.slice(0, 4)}…${body.slice(-4)}`;
}
