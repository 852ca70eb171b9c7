import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';

/** A person the test identity provider knows, by email. */
export interface OidcTestUser {
  sub: string;
  email: string;
  /** Default true; null leaves the claim out (as some providers do). */
  email_verified?: boolean | null;
  name?: string;
  groups?: string[];
}

export interface OidcTestProvider {
  /** e.g. `http://127.0.0.1:41234`: what OIDC_ISSUER points at. */
  issuer: string;
  /** Who may sign in; tests add and change people between logins. */
  users: Map<string, OidcTestUser>;
  close(): Promise<void>;
}

export interface OidcTestProviderOptions {
  /** 0: a free port. */
  port?: number;
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1 for the SSO tests, in jest and
 * in the e2e run. Its sign-in page is a one-field form: POST `login=<email>` of a known user signs them in
 * and grants the requested scopes, so a browser or a plain fetch with a cookie jar completes the real
 * authorization-code + PKCE flow.
 */
export async function startOidcTestProvider(options: OidcTestProviderOptions): Promise<OidcTestProvider> {
  const users = new Map<string, OidcTestUser>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const bySub = (sub: string) => [...users.values()].find((u) => u.sub === sub);
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // Put email, name and groups in the ID token too, as Google, Entra and Keycloak do.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    // Keys and lifetimes of its own (the package warns about its development defaults otherwise).
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
          kid: 'test',
          use: 'sig',
        },
      ],
    },
    ttl: {
      Interaction: 600,
      Grant: 600,
      Session: 600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    cookies: { keys: ['switchboard-oidc-test-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, sub: string) => {
      const user = bySub(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: user.email,
          ...(user.email_verified === null ? {} : { email_verified: user.email_verified ?? true }),
          name: user.name ?? user.email,
          groups: user.groups ?? [],
        }),
      };
    },
  });
  // Silence the provider's own error logging for refusals the tests cause on purpose.
  provider.on('server_error', () => undefined);
  const callback = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    void interaction(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (req.method !== 'POST') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(
        `<!doctype html><title>Test identity provider</title><form method="post">` +
          `<label>Email <input name="login" autofocus></label><button>Continue</button></form>`,
      );
      return;
    }
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const email = new URLSearchParams(body).get('login') ?? '';
    const user = users.get(email);
    if (!user) {
      res.statusCode = 400;
      res.end(`unknown test user ${email}`);
      return;
    }
    const grant = new provider.Grant({ accountId: user.sub, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    users,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
