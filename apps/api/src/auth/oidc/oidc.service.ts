import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Role } from '@switchboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { AccountRepository } from '../../accounts/account.repository';
import { AuditService } from '../../audit/audit.service';
import { AdminError } from '../../common/errors';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { Account } from '../../generated/prisma/client';
import { AdminSessionService } from '../admin-session.service';
import { parseCookies, serializeCookie } from '../cookies';
import { OIDC_FLOW_COOKIE, OIDC_FLOW_TTL_MS, openFlow, sealFlow } from './oidc-flow-cookie';
import { mappedRole, type OidcSettings } from './oidc-settings';

/** Why a single sign-on ended on the login page (`/login?error=<code>`). */
export type SsoRefusal =
  'sso_domain_not_allowed' | 'sso_account_disabled' | 'sso_no_role' | 'sso_too_many_attempts' | 'sso_failed';

class SsoRefused extends Error {
  constructor(
    readonly code: SsoRefusal,
    readonly email: string | null,
    reason: string,
  ) {
    super(reason);
  }
}

/** The provider answers within this, or the sign-in fails with `sso_failed` (and discovery is retried). */
const PROVIDER_TIMEOUT_S = 10;

/**
 * Single sign-on with OpenID Connect through `openid-client`: authorization code flow with PKCE (S256),
 * state and nonce, carried in a short-lived MAC'd cookie. The provider's configuration is discovered on
 * the first sign-in (and again after a failure), so a provider that is down does not stop the gateway.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('OidcService');
  private discovered: Promise<oidc.Configuration> | null = null;
  private readonly flowKey: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: AdminSessionService,
    private readonly accounts: AccountRepository,
    private readonly audit: AuditService,
  ) {
    this.flowKey = `oidc-flow\0${config.encryptionKey}`;
  }

  /** `GET /api/auth/oidc/login`: off to the identity provider. */
  async begin(returnTo: unknown, reply: FastifyReply): Promise<void> {
    const settings = this.settings();
    let configuration: oidc.Configuration;
    try {
      configuration = await this.configuration(settings);
    } catch (error) {
      this.logger.warn(
        `single sign-on: the provider at ${settings.issuer} did not answer discovery: ${cause(error)}`,
      );
      return this.backToLogin(reply, 'sso_failed');
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const flow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier,
      returnTo: safeReturnPath(returnTo),
      expiresAtMs: Date.now() + OIDC_FLOW_TTL_MS,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: settings.redirectUrl,
      scope: settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    void reply.header('set-cookie', this.flowCookie(sealFlow(flow, this.flowKey), OIDC_FLOW_TTL_MS));
    void reply.redirect(url.href, 302);
  }

  /** `GET /api/auth/oidc/callback`: the provider sent the browser back with a code (or an error). */
  async complete(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const settings = this.settings();
    const flow = openFlow(
      parseCookies(header(req.headers.cookie)).get(OIDC_FLOW_COOKIE),
      this.flowKey,
      Date.now(),
    );
    void reply.header('set-cookie', this.flowCookie('', 0));
    try {
      if (this.sessions.loginBlockedFor(req) > 0)
        throw new SsoRefused('sso_too_many_attempts', null, 'too many failed sign-ins from this address');
      if (!flow)
        throw new SsoRefused('sso_failed', null, 'no sign-in in progress in this browser (or it expired)');
      const claims = await this.claims(settings, req, flow);
      const account = await this.signIn(settings, claims);
      await this.sessions.startSession(account.id, req, reply);
      this.sessions.loginSucceeded(req);
      void reply.redirect(flow.returnTo, 302);
    } catch (error) {
      const refused =
        error instanceof SsoRefused
          ? error
          : new SsoRefused('sso_failed', null, `the provider exchange failed: ${cause(error)}`);
      if (!(error instanceof SsoRefused)) this.discovered = null;
      this.logger.warn(`single sign-on refused (${refused.code}): ${refused.message}`);
      if (refused.code !== 'sso_too_many_attempts') this.sessions.countFailedLogin(req);
      await this.audit.record({
        actor: 'anonymous',
        action: 'auth.login_failed',
        targetType: 'account',
        targetId: refused.email,
        before: null,
        after: { via: 'sso', email: refused.email, reason: refused.code, ip: req.ip },
      });
      this.backToLogin(reply, refused.code);
    }
  }

  private settings(): OidcSettings {
    const settings = this.config.oidc;
    if (!settings)
      throw new AdminError(
        404,
        'sso_not_configured',
        'Single sign-on is not configured (OIDC_ISSUER is unset).',
      );
    return settings;
  }

  private configuration(settings: OidcSettings): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? oidc.ClientSecretPost(settings.clientSecret) : oidc.None(),
        {
          timeout: PROVIDER_TIMEOUT_S,
          // Plain http only for a provider on this machine (tests, a local Keycloak); anything else needs TLS.
          execute: isLoopbackHttp(settings.issuer) ? [oidc.allowInsecureRequests] : [],
        },
      )
      .catch((error: unknown) => {
        this.discovered = null;
        throw error;
      });
    return this.discovered;
  }

  /** The ID token's claims (PKCE, state, nonce and signature checked), plus userinfo when the email is not in it. */
  private async claims(
    settings: OidcSettings,
    req: FastifyRequest,
    flow: { state: string; nonce: string; verifier: string },
  ) {
    const configuration = await this.configuration(settings);
    // The URL the provider redirected to, rebuilt from our own setting rather than the Host header.
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const tokens = await oidc.authorizationCodeGrant(
      configuration,
      new URL(`${settings.redirectUrl}${query}`),
      {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      },
    );
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the provider sent no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    if (typeof claims.email !== 'string' || (settings.roleClaim && !(settings.roleClaim in claims))) {
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      claims = {
        ...info,
        ...claims,
        ...(settings.roleClaim && settings.roleClaim in info
          ? { [settings.roleClaim]: info[settings.roleClaim] }
          : {}),
      };
    }
    return claims;
  }

  /** Finds, links or creates the account for the claims, or refuses them. */
  private async signIn(settings: OidcSettings, claims: Record<string, unknown>): Promise<Account> {
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
    if (!email)
      throw new SsoRefused(
        'sso_failed',
        null,
        'the provider sent no email address (request the email scope)',
      );
    if (claims.email_verified === false)
      throw new SsoRefused('sso_failed', email, 'the provider says this email address is not verified');
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (settings.allowedDomains.length > 0 && !settings.allowedDomains.includes(domain))
      throw new SsoRefused('sso_domain_not_allowed', email, `${domain} is not in OIDC_ALLOWED_DOMAINS`);

    const subject = `${settings.issuer}|${String(claims.sub)}`;
    const role = mappedRole(settings, claims);
    let account = (await this.accounts.findBySsoSubject(subject)) ?? (await this.accounts.findByEmail(email));
    if (!account) {
      const initial: Role | null = role ?? settings.defaultRole;
      if (!initial)
        throw new SsoRefused(
          'sso_no_role',
          email,
          'no role claim maps to a role and OIDC_DEFAULT_ROLE is none',
        );
      const name =
        typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 128) : email;
      account =
        (await this.accounts.createFromSso(
          { email, displayName: name, role: initial, ssoSubject: subject },
          (tx, created) =>
            this.audit.record(
              {
                actor: 'sso',
                action: 'account.create',
                targetType: 'account',
                targetId: created.id,
                before: null,
                after: { email, displayName: name, role: initial, via: 'sso' },
              },
              tx,
            ),
        )) ?? (await this.accounts.findByEmail(email));
      if (!account) throw new SsoRefused('sso_failed', email, 'the account could not be created');
    }
    if (account.status !== 'active')
      throw new SsoRefused('sso_account_disabled', email, 'the account is disabled');
    if (account.ssoSubject && account.ssoSubject !== subject)
      throw new SsoRefused('sso_failed', email, 'the account is linked to another single sign-on identity');
    // Linking an existing account by its email needs the provider to vouch for that email outright: a
    // provider that leaves email_verified out could otherwise hand someone else's (an admin's) account over.
    if (!account.ssoSubject && claims.email_verified !== true)
      throw new SsoRefused(
        'sso_failed',
        email,
        'an account with this email exists, and the provider does not say the email is verified (email_verified), so it is not linked',
      );
    if (account.ssoSubject !== subject || (role && role !== account.role)) {
      account = await this.accounts.applySso(
        account.id,
        { ssoSubject: subject, role: role ?? undefined },
        (tx, before, after) =>
          before.role === after.role
            ? Promise.resolve()
            : this.audit.record(
                {
                  actor: 'sso',
                  action: 'account.role_change',
                  targetType: 'account',
                  targetId: after.id,
                  before: { role: before.role },
                  after: { role: after.role, via: `claim ${settings.roleClaim}` },
                },
                tx,
              ),
      );
    }
    return account;
  }

  private flowCookie(value: string, maxAgeMs: number): string {
    return serializeCookie(OIDC_FLOW_COOKIE, value, {
      maxAgeSeconds: maxAgeMs / 1000,
      secure: this.config.oidc?.redirectUrl.startsWith('https:') ?? false,
      httpOnly: true,
      // Lax: the provider's redirect back is a top-level GET, which carries Lax cookies.
      sameSite: 'Lax',
      path: '/api/auth/oidc',
    });
  }

  private backToLogin(reply: FastifyReply, code: SsoRefusal): void {
    void reply.redirect(`/login?error=${code}`, 302);
  }
}

/** Only a path of this console (`/…`, not `//host` or a URL): anything else lands on `/`. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) && value.length <= 2048 ? value : '/';
}

function isLoopbackHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join('; ') : value;
}

function cause(error: unknown): string {
  return error instanceof Error
    ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
    : String(error);
}
