/**
 * Redaction of stored request and response bodies: values under credential-named keys become
 * "[redacted]", and anything credential-shaped inside strings is replaced wherever it appears.
 */

export const REDACTED = '[redacted]';

/**
 * Key names compared lowercased with `-` and `_` removed (so `api_key`, `apiKey`, `API-KEY` are one).
 * Exact names, then suffixes: `client_secret`, `refresh_token`, `x-api-key`. Never a bare "token" suffix
 * match on its own: `max_tokens` and `prompt_tokens` are not secrets.
 */
const SECRET_KEYS = new Set(['authorization', 'proxyauthorization', 'token', 'cookie', 'setcookie']);
const SECRET_KEY_SUFFIXES = [
  'apikey',
  'password',
  'passwd',
  'secret',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'bearertoken',
  'apitoken',
  'privatekey',
  'secretkey',
  'accesskey',
];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(k) || SECRET_KEY_SUFFIXES.some((s) => k.endsWith(s));
}

/**
 * A word boundary, or the end of a JSON escape (`\n`, `\u0001`): in a stream's JSON text "…\nsk-…" has a
 * letter right before the key, and a plain `\b` would let it through.
 */
const B = String.raw`(?:\b|(?<=\\[nrtbf"/\\])|(?<=\\u[0-9a-fA-F]{4}))`;
const re = (source: string, flags = 'g') => new RegExp(source.replaceAll('\\b', B), flags);

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // OpenAI / Anthropic style keys and the gateway's own virtual keys (`sk-sb-…`), masked echoes included.
  [re(String.raw`\bsk-[A-Za-z0-9_*-]{6,}`), 'sk-[redacted]'],
  // The gateway's admin API tokens.
  [re(String.raw`\bsb-admin-[A-Za-z0-9_-]{6,}`), 'sb-admin-[redacted]'],
  [re(String.raw`\bBearer\s+[^\s"'\\,]+`, 'gi'), 'Bearer [redacted]'],
  [re(String.raw`\bBasic\s+[A-Za-z0-9+/=]{8,}`), 'Basic [redacted]'],
  // Secrets in query strings, key=value or "key: value" text.
  [
    re(
      String.raw`\b(api[-_]?key|access[-_]?token|refresh[-_]?token|token|secret|password|passwd|sig)(\s*[=:]\s*)([^&\s"'\\,;]+)`,
      'gi',
    ),
    `$1$2${REDACTED}`,
  ],
  // Cloud keys: AWS access key ids, Google API keys, GitHub and Slack tokens, JWTs.
  [re(String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`), REDACTED],
  [re(String.raw`\bAIza[A-Za-z0-9_-]{30,}`), REDACTED],
  [re(String.raw`\bgh[pousr]_[A-Za-z0-9]{20,}`), REDACTED],
  [re(String.raw`\bxox[abprs]-[A-Za-z0-9-]{10,}`), REDACTED],
  [re(String.raw`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+`), REDACTED],
  // Azure keys: 32 hex characters, or the newer 84-character base62 form.
  [re(String.raw`\b[a-fA-F0-9]{32}\b`), REDACTED],
  [re(String.raw`\b[A-Za-z0-9]{84}\b`), REDACTED],
];

/** A JSON `"key": "value"` pair inside text (streams are stored as text, not parsed). */
const JSON_STRING_PAIR = /"((?:[^"\\]|\\.){1,100})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/** Replaces credential-shaped substrings, and the exact secrets given (e.g. the master key). */
export function redactString(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of a parsed JSON value with credential-named keys' values and credential-shaped strings redacted. */
export function redactJson(value: unknown, knownSecrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, knownSecrets);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than any real request: redact whole rather than recurse without bound.
  if (depth > 64) return REDACTED;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, knownSecrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) ? REDACTED : redactJson(v, knownSecrets, depth + 1);
  }
  return out;
}

/**
 * Text that may hold JSON: parsed and redacted as JSON when it parses, otherwise (server-sent events,
 * plain text) `"key": "value"` pairs with credential-named keys and credential-shaped strings are replaced.
 */
export function redactText(text: string, knownSecrets: readonly string[] = []): string {
  const start = text.search(/\S/);
  if (start !== -1 && (text[start] === '{' || text[start] === '[')) {
    try {
      return JSON.stringify(redactJson(JSON.parse(text), knownSecrets));
    } catch {
      // Not whole JSON (cut, or several documents): fall through to the text rules.
    }
  }
  const pairs = text.replace(JSON_STRING_PAIR, (m: string, key: string, sep: string) =>
    isSecretKey(key) ? `"${key}"${sep}"${REDACTED}"` : m,
  );
  return redactString(pairs, knownSecrets);
}
