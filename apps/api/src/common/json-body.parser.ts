import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderError, writeError } from './all-exceptions.filter';
import { AdminError, RequestBodyError } from './errors';

/**
 * Deepest JSON nesting a client may send. Real payloads (messages, tool schemas, configs) stay far below;
 * thousands of levels overflow the stack when the gateway re-serialises the body for the upstream.
 */
export const MAX_JSON_DEPTH = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when `text` nests arrays/objects deeper than `limit` (outside strings). One linear pass over the
 * characters, no allocation: this runs on every data-plane request. Unbalanced text is left to JSON.parse.
 */
export function exceedsJsonDepth(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  // Each level needs an opening character: short bodies cannot be too deep.
  if (text.length <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Replaces Fastify's JSON parser with the same parser (size limit, prototype-poisoning checks) behind a
 * nesting-depth check, for both surfaces.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (exceedsJsonDepth(text)) {
      done(
        new RequestBodyError(
          'json_too_deep',
          `Request body nests JSON deeper than ${MAX_JSON_DEPTH} levels; flatten it.`,
        ),
        undefined,
      );
      return;
    }
    void parse(req, text, done);
  });
}

/** A NUL or an unpaired UTF-16 surrogate: PostgreSQL cannot store either in text (SQLSTATE 22021). */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path (`body.messages.0.content`) of the first unstorable string in `value`, or null. */
function findUnstorable(value: unknown, path: string): string | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  // Depth is bounded by MAX_JSON_DEPTH (bodies) and by the query parser (query strings).
  for (const [key, v] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (UNSTORABLE.test(key)) return at;
    const found = findUnstorable(v, at);
    if (found) return found;
  }
  return null;
}

/**
 * Routes that forward text to an upstream (which accepts what JSON allows) or store nothing. Everything
 * else (/api/*, the LiteLLM-compatible /key/* and /model/* management routes) may store what it receives.
 */
const NO_STORAGE =
  /^\/(?:v1\/)?(?:chat\/completions|completions|embeddings|rerank|audio\/|models)|^\/(?:health|metrics)(?:[/?]|$)/;

/**
 * Refuse NUL and unpaired surrogates in path params, query strings and bodies of routes that store, centrally,
 * before they reach PostgreSQL.
 */
export function registerAdminTextGuard(fastify: FastifyInstance): void {
  fastify.addHook(
    'preValidation',
    (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
      if (NO_STORAGE.test(req.url)) return done();
      const where =
        findUnstorable(req.params, 'params') ??
        findUnstorable(req.query, 'query') ??
        findUnstorable(req.body, 'body');
      if (!where) return done();
      done(
        new AdminError(
          400,
          'validation_failed',
          `Invalid request: ${where}: contains a NUL character or an unpaired surrogate`,
          [{ path: where, message: 'contains a NUL character or an unpaired surrogate' }],
        ),
      );
    },
  );
}

/**
 * Errors Fastify raises before routing (a URL that does not decode, a bad header): answered in the
 * surface's shape like everything else, instead of Fastify's default body.
 */
export function frameworkErrorHandler(error: Error, req: FastifyRequest, reply: FastifyReply): void {
  writeError(reply, req.url, renderError(error));
}
