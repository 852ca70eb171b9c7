/**
 * Incoming-webhook URLs carry their secret in the path (Slack) or the query: the API shows a hint only,
 * and nothing it records or logs may contain the URL.
 */

/** `https://hooks.slack.com/…AbCd`: scheme, host and the last 4 characters of the path. */
export function webhookUrlHint(text: string): string {
  const url = new URL(text);
  const path = url.pathname.replace(/^\/+/, '');
  return `${url.protocol}//${url.host}/…${path.slice(-4)}`;
}

/** `text` with every piece of `url` that could carry its secret (path, query, the whole) taken out. */
export function redactUrl(text: string, urlText: string): string {
  let url: URL | null = null;
  try {
    url = new URL(urlText);
  } catch {
    // Not a URL: only the text itself is taken out.
  }
  const pieces = [urlText];
  if (url) {
    pieces.push(url.href, `${url.origin}${url.pathname}`);
    if (url.search.length > 1) pieces.push(url.search.slice(1));
    if (url.pathname.length > 1) pieces.push(`${url.pathname}${url.search}`, url.pathname);
  }
  let out = text;
  for (const piece of [...new Set(pieces)].sort((a, b) => b.length - a.length)) {
    if (piece) out = out.split(piece).join('[redacted]');
  }
  return out;
}
