/** Field names whose values never reach the audit trail, at any depth (compared case-insensitively). */
const SECRET_FIELDS = new Set([
  'apikey',
  'apikeyencrypted',
  'keyhash',
  'previouskeyhash',
  'tokenhash',
  'masterkey',
  'encryptionkey',
  'password',
  'secret',
  'token',
  'authorization',
]);

/**
 * A JSON-safe copy of a before/after snapshot with secret fields removed. Callers already pass safe
 * snapshots; this is the last line of defence so a new field can never leak a key into the trail.
 */
export function redactSnapshot(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((v) => redactSnapshot(v));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (SECRET_FIELDS.has(key.toLowerCase()) || v === undefined) continue;
      out[key] = redactSnapshot(v);
    }
    return out;
  }
  return value;
}
