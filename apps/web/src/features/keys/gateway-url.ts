/** Where Dify (or any OpenAI client) should send requests: the gateway's public base URL. */
export function gatewayBaseUrl(publicUrl: string | null): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  // Not configured: assume the gateway listens on its default port on the host serving this console.
  return `${window.location.protocol}//${window.location.hostname}:4000`;
}

/** The "API endpoint URL" for Dify's OpenAI-API-compatible provider; Dify never adds `/v1` itself. */
export function openAiEndpointUrl(baseUrl: string): string {
  return /\/v1$/.test(baseUrl) ? baseUrl : `${baseUrl}/v1`;
}

/** Inside Dify's containers `localhost` is Dify itself, so such a URL cannot work there. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** The gateway inside docker/compose.yml, as containers on the same network reach it. */
export const COMPOSE_ENDPOINT_URL = 'http://switchboard:4000/v1';
const COMPOSE_HOST_PORT = '4000';

/**
 * Which network Dify's requests come from:
 * - `compose`: a Dify container on `docker_default`, which Switchboard's compose file joins;
 * - `docker-host`: a Dify container, Switchboard on the Docker host (e.g. `npm start`);
 * - `direct`: the gateway's own address, for Dify wherever that address is reachable.
 */
export type DifyEndpointKind = 'compose' | 'docker-host' | 'direct';

export interface DifyEndpoint {
  kind: DifyEndpointKind;
  url: string;
}

/**
 * The endpoint URLs worth offering for a gateway at `endpointUrl` (with `/v1`), without duplicates.
 * A loopback address only works for Dify on this machine outside Docker, so it goes last; any other
 * address (a LAN IP, a DNS name) works from containers too, so it goes first. When `endpointUrl` is the
 * compose service itself, the host's own address is the published port on the console's host
 * (`consoleHostname`).
 */
export function difyEndpoints(endpointUrl: string, consoleHostname: string): DifyEndpoint[] {
  const docker: DifyEndpoint[] = [{ kind: 'compose', url: COMPOSE_ENDPOINT_URL }];
  const fromHost = dockerHostUrl(endpointUrl);
  if (fromHost) docker.push({ kind: 'docker-host', url: fromHost });
  const directUrl =
    endpointUrl === COMPOSE_ENDPOINT_URL ? `http://${consoleHostname}:${COMPOSE_HOST_PORT}/v1` : endpointUrl;
  const direct: DifyEndpoint = { kind: 'direct', url: directUrl };
  const ordered = isLoopbackUrl(directUrl) ? [...docker, direct] : [direct, ...docker];
  return ordered.filter((endpoint, i) => ordered.findIndex((other) => other.url === endpoint.url) === i);
}

/**
 * The same gateway as a container reaches its Docker host: `host.docker.internal` with the gateway's
 * port (for the compose service, the port it publishes by default). Null for HTTPS, whose certificate
 * would not name `host.docker.internal`.
 */
function dockerHostUrl(endpointUrl: string): string | null {
  try {
    const url = new URL(endpointUrl);
    if (url.protocol !== 'http:') return null;
    if (url.hostname === 'switchboard') url.port = COMPOSE_HOST_PORT;
    url.hostname = 'host.docker.internal';
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}
