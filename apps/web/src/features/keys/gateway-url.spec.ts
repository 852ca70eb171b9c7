import { COMPOSE_ENDPOINT_URL, difyEndpoints, isLoopbackUrl, openAiEndpointUrl } from './gateway-url';

describe('where Dify should send its requests', () => {
  it('adds /v1 once, since Dify never adds it', () => {
    expect(openAiEndpointUrl('http://gw:4300')).toBe('http://gw:4300/v1');
    expect(openAiEndpointUrl('http://gw:4300/v1')).toBe('http://gw:4300/v1');
  });

  it('knows which addresses mean "this machine"', () => {
    for (const url of ['http://localhost:4000', 'http://127.0.0.1:4300/v1', 'http://[::1]:4000'])
      expect(isLoopbackUrl(url)).toBe(true);
    for (const url of ['http://10.0.0.5:4000', 'https://gw.example.com', 'not a url'])
      expect(isLoopbackUrl(url)).toBe(false);
  });

  it('offers the Docker forms first when the gateway is on loopback, keeping its real port', () => {
    expect(difyEndpoints('http://127.0.0.1:4300/v1', 'console.local')).toEqual([
      { kind: 'compose', url: COMPOSE_ENDPOINT_URL },
      { kind: 'docker-host', url: 'http://host.docker.internal:4300/v1' },
      { kind: 'direct', url: 'http://127.0.0.1:4300/v1' },
    ]);
  });

  it('offers a reachable address first and no host.docker.internal form for HTTPS', () => {
    expect(difyEndpoints('https://gw.example.com/v1', 'console.local')).toEqual([
      { kind: 'direct', url: 'https://gw.example.com/v1' },
      { kind: 'compose', url: COMPOSE_ENDPOINT_URL },
    ]);
  });

  it('for the compose service itself, offers the published port on the console host, without duplicates', () => {
    const endpoints = difyEndpoints(COMPOSE_ENDPOINT_URL, 'server.lan');
    expect(endpoints.map((e) => e.url)).toEqual([
      'http://server.lan:4000/v1',
      COMPOSE_ENDPOINT_URL,
      'http://host.docker.internal:4000/v1',
    ]);
    expect(new Set(endpoints.map((e) => e.url)).size).toBe(endpoints.length);
  });
});
