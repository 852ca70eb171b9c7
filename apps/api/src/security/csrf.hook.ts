import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../auth/auth-options';
import { AdminError } from '../common/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The console sends this on every change; a cross-site form or `fetch` cannot without a CORS preflight. */
export const CSRF_HEADER = 'x-switchboard-csrf';

/**
 * Why a state-changing admin request authenticated by the session cookie (a credential the browser adds
 * on its own) must be refused as cross-site, or null when it may go on. Bearer-token requests are not
 * affected: a browser never adds those by itself.
 */
export function crossSiteRefusal(req: FastifyRequest): AdminError | null {
  if (SAFE_METHODS.has(req.method) || !req.url.startsWith('/api/')) return null;
  if (req.headers.authorization) return null;
  const cookie = req.headers.cookie;
  if (typeof cookie !== 'string' || !cookie.includes(`${SESSION_COOKIE}=`)) return null;
  if (req.headers[CSRF_HEADER] === '1') return null;
  const origin = req.headers.origin;
  if (typeof origin === 'string' && sameHost(origin, req.headers.host)) return null;
  return new AdminError(
    403,
    'csrf_rejected',
    `Cross-site request refused: changes made with the console's session cookie need a same-origin Origin or the ${CSRF_HEADER} header.`,
  );
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Refuses cross-site changes before anything else runs (and before a `text/plain` body is even read). */
export function registerCsrfGuard(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const refusal = crossSiteRefusal(req);
    done(refusal ?? undefined);
  });
}
