/**
 * The gateway's base URL as Dify (or any OpenAI client) should reach it, read each time the page is
 * rendered, so it can change without a rebuild:
 * 1. SWITCHBOARD_PUBLIC_URL (or the API's own PUBLIC_URL, when both run with one environment), as set;
 * 2. else the gateway `npm start` launched (SWITCHBOARD_GATEWAY_URL), or the API_INTERNAL_URL the console
 *    forwards to when that is on this machine: both are loopback addresses, so the host becomes the one
 *    the browser used for the console (`requestHost`), keeping the gateway's real port;
 * 3. else null: the browser then assumes its own host and the default port 4000.
 */
export function readGatewayPublicUrl(requestHost?: string | null): string | null {
  const configured = httpUrl(process.env.SWITCHBOARD_PUBLIC_URL || process.env.PUBLIC_URL);
  if (configured) return withoutTrailingSlash(configured);
  const local =
    httpUrl(process.env.SWITCHBOARD_GATEWAY_URL) ?? loopback(httpUrl(process.env.API_INTERNAL_URL));
  if (!local) return null;
  const browserHost = hostnameOf(requestHost);
  if (browserHost && isLoopbackHost(local.hostname)) local.hostname = browserHost;
  return withoutTrailingSlash(local);
}

function httpUrl(raw: string | undefined): URL | null {
  const value = raw?.trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function loopback(url: URL | null): URL | null {
  return url && isLoopbackHost(url.hostname) ? url : null;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.');
}

/** The hostname of a Host header value (`example.com:3000`, `[::1]:3000`), or null. */
function hostnameOf(host: string | null | undefined): string | null {
  const first = host?.split(',')[0]?.trim();
  if (!first) return null;
  try {
    return new URL(`http://${first}`).hostname || null;
  } catch {
    return null;
  }
}

function withoutTrailingSlash(url: URL): string {
  return url.href.replace(/\/+$/, '');
}
