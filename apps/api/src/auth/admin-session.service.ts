import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import type { AdminSessionAuth } from '../common/admin-auth.guard';
import { safeEqual, sha256Hex } from '../common/crypto';
import { AdminError } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ADMIN_AUTH_OPTIONS, type AdminAuthOptions, SESSION_COOKIE } from './auth-options';
import { AdminSessionRepository, type SessionWrite } from './admin-session.repository';
import { parseCookies, serializeCookie } from './cookies';
import { LoginThrottle } from './login-throttle';

interface CachedSession {
  id: string;
  expiresAtMs: number;
  cachedAtMs: number;
}

/** Cached look-ups kept at most (only valid sessions are cached). */
const MAX_CACHED = 1_000;

/**
 * Console sign-in with the master key: a random 32-byte token in an httpOnly cookie, stored only as its
 * SHA-256. Sessions slide: used after half their life, they are extended to the full length again.
 */
@Injectable()
export class AdminSessionService implements AdminSessionAuth {
  private readonly cache = new Map<string, CachedSession>();
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly repo: AdminSessionRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ADMIN_AUTH_OPTIONS) private readonly options: AdminAuthOptions,
  ) {
    this.throttle = new LoginThrottle(options.clock, {
      maxFailures: options.maxFailedLogins,
      windowMs: options.failedLoginWindowMs,
    });
  }

  async login(masterKey: string, req: FastifyRequest, reply: FastifyReply): Promise<{ expiresAt: string }> {
    const address = req.ip;
    const wait = this.throttle.retryAfterSeconds(address);
    if (wait > 0) {
      void reply.header('retry-after', String(wait));
      throw new AdminError(
        429,
        'too_many_attempts',
        `Too many failed sign-ins from this address; try again in ${wait} s.`,
      );
    }
    if (!safeEqual(masterKey, this.config.masterKey)) {
      this.throttle.recordFailure(address);
      await sleep(this.options.failedLoginDelayMs);
      throw new AdminError(401, 'invalid_credentials', 'Wrong master key.');
    }
    this.throttle.recordSuccess(address);

    const now = this.options.clock.now();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + this.options.sessionTtlMs);
    await this.repo.deleteExpired(new Date(now));
    const session = await this.repo.create(
      {
        tokenHash: sha256Hex(token),
        expiresAt,
        now: new Date(now),
        userAgent: headerValue(req.headers['user-agent'])?.slice(0, 512) ?? null,
        ip: address ?? null,
      },
      (w) => this.record('auth.login', w),
    );
    void reply.header('set-cookie', this.cookie(req, token, expiresAt.getTime() - now));
    return { expiresAt: session.expiresAt.toISOString() };
  }

  /** Ends the cookie's session if there is one, and clears the cookie either way. */
  async logout(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = sessionToken(req);
    if (token) {
      const hash = sha256Hex(token);
      this.cache.delete(hash);
      await this.repo.deleteByTokenHash(hash, (w) => this.record('auth.logout', w));
    }
    void reply.header('set-cookie', this.cookie(req, '', 0));
  }

  /** The cookie's session (refreshed when due), or 401. */
  async current(
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ authenticated: true; expiresAt: string }> {
    const session = await this.resolve(req, reply);
    if (!session) throw new AdminError(401, 'unauthorized', 'Not signed in, or the session has expired.');
    return { authenticated: true, expiresAt: new Date(session.expiresAtMs).toISOString() };
  }

  async actorFor(req: FastifyRequest, reply: FastifyReply): Promise<string | null> {
    const session = await this.resolve(req, reply);
    return session ? `session:${session.id}` : null;
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
      session = { id: row.id, expiresAtMs: row.expiresAt.getTime(), cachedAtMs: now };
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
      session = { id: session.id, expiresAtMs, cachedAtMs: now };
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

  private async record(action: string, w: SessionWrite): Promise<void> {
    const { session } = w;
    await this.audit.record(
      {
        actor: `session:${session.id}`,
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
