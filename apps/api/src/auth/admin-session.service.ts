import { Inject, Injectable } from '@nestjs/common';
import type {
  Account,
  AuthOptions,
  AuthSession,
  Role,
  anyLoginSchema,
  firstAdminSchema,
} from '@switchboard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { toAccountDto } from '../accounts/account.dto';
import { AccountRepository } from '../accounts/account.repository';
import { AuditService } from '../audit/audit.service';
import type { AdminSessionAuth } from '../common/admin-auth.guard';
import { safeEqual, sha256Hex } from '../common/crypto';
import { AdminError } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AdminSessionRepository, type SessionWrite } from './admin-session.repository';
import { ADMIN_AUTH_OPTIONS, type AdminAuthOptions, SESSION_COOKIE } from './auth-options';
import { type AdminCaller, callerPermissions, masterKeyCaller } from './caller';
import { parseCookies, serializeCookie } from './cookies';
import { SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { SharedThrottleCounts } from '../redis/shared-throttle-counts';
import { LoginThrottle } from './login-throttle';
import { hashPassword, verifyPassword } from './password-hasher';
import { ssoOption } from './sso-option';

interface CachedSession {
  id: string;
  expiresAtMs: number;
  cachedAtMs: number;
  /** Null for a master-key session. */
  account: Account | null;
}

/** Cached look-ups kept at most (only valid sessions are cached). */
const MAX_CACHED = 1_000;

/**
 * Console sign-in with an account's password or the master key: a random 32-byte token in an httpOnly cookie, stored only as its
 * SHA-256. Sessions slide: used after half their life, they are extended to the full length again.
 */
@Injectable()
export class AdminSessionService implements AdminSessionAuth {
  private readonly cache = new Map<string, CachedSession>();
  private readonly throttle: LoginThrottle;
  /** Marks master-key sessions with the key they were opened with: a new MASTER_KEY ends the old ones. */
  private readonly masterKeyTag: string;

  constructor(
    private readonly repo: AdminSessionRepository,
    private readonly audit: AuditService,
    private readonly accounts: AccountRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ADMIN_AUTH_OPTIONS) private readonly options: AdminAuthOptions,
    @Inject(SHARED_REDIS) redis: SharedRedis | null,
  ) {
    this.masterKeyTag = createHmac('sha256', config.encryptionKey)
      .update(`switchboard master-key session\0${config.masterKey}`)
      .digest('hex');
    this.throttle = new LoginThrottle(options.clock, {
      maxFailures: options.maxFailedLogins,
      windowMs: options.failedLoginWindowMs,
      share: redis ? new SharedThrottleCounts(redis, 'sign-in') : null,
    });
  }

  /** Email and password, or the master key (break-glass); both share the per-address throttle. */
  async login(
    body: z.output<typeof anyLoginSchema>,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ expiresAt: string }> {
    this.refuseWhileThrottled(req, reply);
    if ('masterKey' in body) return this.loginWithMasterKey(body.masterKey, req, reply);
    const account = await this.accounts.findByEmail(body.email);
    const ok = await verifyPassword(account?.passwordHash ?? null, body.password);
    if (!account || !ok || account.status !== 'active') {
      this.throttle.recordFailure(req.ip);
      await this.audit.record({
        actor: 'anonymous',
        action: 'auth.login_failed',
        targetType: 'account',
        targetId: account?.id ?? body.email,
        before: null,
        after: { email: body.email, ip: req.ip },
      });
      await sleep(this.options.failedLoginDelayMs);
      throw new AdminError(
        401,
        'invalid_credentials',
        'Wrong email or password, or the account is disabled.',
      );
    }
    this.throttle.recordSuccess(req.ip);
    return this.startSession(account.id, req, reply);
  }

  /** What the login page shows before anyone signs in. */
  async authOptions(): Promise<AuthOptions> {
    return { needsFirstAdmin: !(await this.accounts.hasAny()), sso: ssoOption(this.config.oidc) };
  }

  /** `POST /api/auth/setup`: the first admin, only while no account exists; signs them in. */
  async setupFirstAdmin(
    body: z.output<typeof firstAdminSchema>,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ expiresAt: string }> {
    this.refuseWhileThrottled(req, reply);
    if (!safeEqual(body.masterKey, this.config.masterKey)) {
      this.throttle.recordFailure(req.ip);
      throw new AdminError(401, 'invalid_credentials', 'Wrong master key.');
    }
    const passwordHash = await hashPassword(body.password);
    const account = await this.accounts.createFirst(
      { email: body.email, displayName: body.displayName, role: 'admin', passwordHash },
      (tx, created) =>
        this.audit.record(
          {
            actor: 'master-key',
            action: 'account.create',
            targetType: 'account',
            targetId: created.id,
            before: null,
            after: { email: created.email, displayName: created.displayName, role: created.role },
          },
          tx,
        ),
    );
    if (!account)
      throw new AdminError(
        409,
        'already_set_up',
        'An account exists already: sign in, or ask an admin to invite you.',
      );
    return this.startSession(account.id, req, reply);
  }

  /**
   * Opens a console session for an account (password, SSO) or, with null, for the master key: sets the
   * cookie, records `auth.login` and the account's lastLoginAt.
   */
  async startSession(
    accountId: string | null,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ expiresAt: string }> {
    const now = this.options.clock.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + this.options.sessionTtlMs);
    await this.repo.deleteExpired(new Date(now));
    const account = accountId ? await this.accounts.findById(accountId) : null;
    const actor = account ? `account:${account.email}` : null;
    const session = await this.repo.create(
      {
        tokenHash: sha256Hex(token),
        expiresAt,
        now: new Date(now),
        userAgent: headerValue(req.headers['user-agent'])?.slice(0, 512) ?? null,
        ip: req.ip ?? null,
        accountId: account?.id ?? null,
        masterKeyTag: account ? null : this.masterKeyTag,
      },
      (w) => this.record('auth.login', w, actor),
    );
    if (account) await this.accounts.touchLastLogin(account.id, new Date(now));
    void reply.header('set-cookie', this.cookie(req, token, expiresAt.getTime() - now));
    return { expiresAt: session.expiresAt.toISOString() };
  }

  /** Seconds until this address may try to sign in again (0: now); shared by password and SSO sign-in. */
  loginBlockedFor(req: FastifyRequest): number {
    return this.throttle.retryAfterSeconds(req.ip);
  }

  /** A successful sign-in (e.g. through SSO) clears the address's failures, as a password sign-in does. */
  loginSucceeded(req: FastifyRequest): void {
    this.throttle.recordSuccess(req.ip);
  }

  /** Counts a refused sign-in (e.g. an SSO login from a disallowed domain) against the address. */
  countFailedLogin(req: FastifyRequest): void {
    this.throttle.recordFailure(req.ip);
  }

  private refuseWhileThrottled(req: FastifyRequest, reply: FastifyReply): void {
    const wait = this.throttle.retryAfterSeconds(req.ip);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw new AdminError(
        429,
        'too_many_attempts',
        `Too many failed sign-ins from this address; try again in ${wait} s.`,
      );
    }
  }

  private async loginWithMasterKey(
    masterKey: string,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ expiresAt: string }> {
    if (!safeEqual(masterKey, this.config.masterKey)) {
      this.throttle.recordFailure(req.ip);
      await sleep(this.options.failedLoginDelayMs);
      throw new AdminError(401, 'invalid_credentials', 'Wrong master key.');
    }
    this.throttle.recordSuccess(req.ip);
    return this.startSession(null, req, reply);
  }

  /** Ends the cookie's session if there is one, and clears the cookie either way. */
  async logout(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = sessionToken(req);
    if (token) {
      const hash = sha256Hex(token);
      this.cache.delete(hash);
      await this.repo.deleteByTokenHash(hash, (w) => this.record('auth.logout', w, null));
    }
    void reply.header('set-cookie', this.cookie(req, '', 0));
  }

  /**
   * Ends the account's console sessions on every instance (each instance's look-up cache trusts a session
   * for at most sessionCacheMs more), except the caller's own when `keepCurrent`; returns how many ended.
   */
  async endAccountSessions(accountId: string, req: FastifyRequest, keepCurrent: boolean): Promise<number> {
    const current = sessionToken(req);
    const keepHash = keepCurrent && current ? sha256Hex(current) : null;
    for (const [hash, session] of this.cache)
      if (session.account?.id === accountId && hash !== keepHash) this.cache.delete(hash);
    return this.repo.deleteForAccount(accountId, keepHash);
  }

  /** Clears the caller's session cookie (after its session was ended elsewhere). */
  clearCookie(req: FastifyRequest, reply: FastifyReply): void {
    void reply.header('set-cookie', this.cookie(req, '', 0));
  }

  /**
   * The cookie's session (refreshed when due), or `{ authenticated: false }`: the login page asks on every
   * visit, and being signed out is an answer there, not a failure.
   */
  async current(req: FastifyRequest, reply: FastifyReply): Promise<AuthSession> {
    const session = await this.resolve(req, reply);
    if (!session) return { authenticated: false };
    const caller = sessionCaller(session);
    return {
      authenticated: true,
      kind: caller.kind === 'account' ? 'account' : 'master-key',
      account: session.account,
      role: caller.role,
      permissions: [...callerPermissions(caller)],
      projectIds: caller.projectIds ? [...caller.projectIds] : null,
      expiresAt: new Date(session.expiresAtMs).toISOString(),
    };
  }

  async callerFor(req: FastifyRequest, reply: FastifyReply): Promise<AdminCaller | null> {
    const session = await this.resolve(req, reply);
    return session ? sessionCaller(session) : null;
  }

  private async resolve(req: FastifyRequest, reply: FastifyReply): Promise<CachedSession | null> {
    const token = sessionToken(req);
    if (!token) return null;
    const hash = sha256Hex(token);
    const now = this.options.clock.now();
    let session = this.cache.get(hash);
    if (!session || now - session.cachedAtMs >= this.options.sessionCacheMs) {
      const row = await this.repo.findByTokenHash(hash);
      if (!row) {
        this.cache.delete(hash);
        return null;
      }
      // A master-key session opened with another (rotated) key is over.
      if (!row.accountId && row.masterKeyTag !== this.masterKeyTag) {
        this.cache.delete(hash);
        return null;
      }
      const account = row.accountId ? await this.accounts.findById(row.accountId) : null;
      if (row.accountId && account?.status !== 'active') {
        // A disabled (or deleted) account's sessions end here, wherever they were opened.
        this.cache.delete(hash);
        if (account) await this.accounts.endSessions(account.id);
        return null;
      }
      session = {
        id: row.id,
        expiresAtMs: row.expiresAt.getTime(),
        cachedAtMs: now,
        account: account ? toAccountDto(account) : null,
      };
      this.remember(hash, session);
    }
    if (session.expiresAtMs <= now) {
      this.cache.delete(hash);
      return null;
    }
    const { sessionTtlMs } = this.options;
    if (session.expiresAtMs - now < sessionTtlMs / 2) {
      const expiresAtMs = now + sessionTtlMs;
      if (!(await this.repo.extend(session.id, new Date(expiresAtMs), new Date(now)))) {
        this.cache.delete(hash);
        return null;
      }
      session = { ...session, expiresAtMs, cachedAtMs: now };
      this.remember(hash, session);
      void reply.header('set-cookie', this.cookie(req, token, sessionTtlMs));
    }
    return session;
  }

  private remember(hash: string, session: CachedSession): void {
    this.cache.delete(hash);
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(hash, session);
  }

  private cookie(req: FastifyRequest, token: string, maxAgeMs: number): string {
    return serializeCookie(SESSION_COOKIE, token, {
      maxAgeSeconds: maxAgeMs / 1000,
      // Behind a TLS-terminating proxy, trustProxy makes `protocol` follow X-Forwarded-Proto.
      secure: req.protocol === 'https',
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
    });
  }

  private async record(action: string, w: SessionWrite, actor: string | null): Promise<void> {
    const { session } = w;
    await this.audit.record(
      {
        actor: actor ?? `session:${session.id}`,
        action,
        targetType: 'admin_session',
        targetId: session.id,
        before: null,
        after:
          action === 'auth.login'
            ? { expiresAt: session.expiresAt, ip: session.ip, userAgent: session.userAgent }
            : null,
      },
      w.tx,
    );
  }
}

function sessionCaller(session: CachedSession): AdminCaller {
  const { account } = session;
  if (!account) return masterKeyCaller(`session:${session.id}`);
  const role: Role = account.role;
  return {
    kind: 'account',
    role,
    accountId: account.id,
    projectIds: role === 'project-member' ? account.projectIds : null,
    actor: `account:${account.email}`,
  };
}

function sessionToken(req: FastifyRequest): string | null {
  const token = parseCookies(headerValue(req.headers.cookie)).get(SESSION_COOKIE);
  // Our tokens are 43 base64url characters; anything else cannot be one, so skip the look-up.
  return token && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join('; ') : value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
