/**
 * Upstream error messages are shown to operators and end users (Dify displays the raw body), and some
 * providers echo a masked key back ("Incorrect API key provided: sk-proj-****abcd"). Strip anything
 * key-shaped before it leaves the gateway.
 */

const MAX_MESSAGE_LENGTH = 1000;

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // OpenAI / Anthropic style keys, including masked echoes such as `sk-abc*****wxyz`.
  [/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]'],
  [/\bBearer\s+[^\s"',]+/gi, 'Bearer [redacted]'],
  // Secrets in query strings or key=value text.
  [/\b(api[-_]?key|access[-_]?token|token|secret|password|sig)=([^&\s"',]+)/gi, '$1=[redacted]'],
  // Azure keys: 32 hex characters, or the newer 84-character base62 form.
  [/\b[a-fA-F0-9]{32}\b/g, '[redacted]'],
  [/\b[A-Za-z0-9]{84}\b/g, '[redacted]'],
];

/** Removes key-shaped substrings (and the exact keys given) from a message and caps its length. */
export function redactSecrets(
  message: string,
  knownSecrets: readonly (string | null | undefined)[] = [],
): string {
  let out = message;
  for (const secret of knownSecrets) {
    // Very short values would redact ordinary words; real keys are long.
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH)}…` : out;
}
