/**
 * The gateway's externally reachable base URL (e.g. `http://switchboard:4000`), read from
 * SWITCHBOARD_PUBLIC_URL (or the API's own PUBLIC_URL, when both run with one environment) each
 * time the page is rendered, so it can change without a rebuild.
 * Null when unset: the browser then derives it from its own address.
 */
export function readGatewayPublicUrl(): string | null {
  const raw = (process.env.SWITCHBOARD_PUBLIC_URL || process.env.PUBLIC_URL)?.trim();
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return raw.replace(/\/+$/, '');
  } catch {
    return null;
  }
}
