import { startFakeUpstream, type FakeUpstream } from '../apps/fake-upstream/src';
import { startOidcTestProvider } from '../apps/api/src/testing/oidc-test-provider';
import { E2E } from './playwright.config';

/** Three fake OpenAI upstreams and an OpenID Connect provider on fixed loopback ports, for the whole run. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const upstreams: FakeUpstream[] = [];
  for (const [i, port] of E2E.upstreamPorts.entries()) {
    upstreams.push(await startFakeUpstream({ name: `up${i + 1}`, port, host: '127.0.0.1' }));
  }
  const idp = await startOidcTestProvider({
    port: E2E.oidc.port,
    clientId: E2E.oidc.clientId,
    clientSecret: E2E.oidc.clientSecret,
    redirectUris: [`${E2E.webUrl}/api/auth/oidc/callback`],
  });
  idp.users.set('mallory@elsewhere.test', { sub: 'e2e-mallory', email: 'mallory@elsewhere.test' });
  idp.users.set('sam@example.com', {
    sub: 'e2e-sam',
    email: 'sam@example.com',
    name: 'Sam SSO',
    groups: ['sb-operators'],
  });
  return async () => {
    await Promise.all([...upstreams.map((u) => u.close()), idp.close()]);
  };
}
