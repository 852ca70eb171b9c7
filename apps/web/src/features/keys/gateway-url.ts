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
