import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { OpenAIError } from '../common/errors';
import type { Capability, ClientRequest } from '../providers/provider.types';
import { multipartField, validateClientBody } from './client-request.schema';

/** The client's credential: `Authorization: Bearer …` (or a bare value), else `api-key` / `x-api-key`. */
export function extractToken(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.trim()) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return (m ? m[1] : auth).trim() || null;
  }
  for (const name of ['api-key', 'x-api-key'] as const) {
    const v = headers[name];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return null;
}

/** Content-Length / 4: cheap, and close enough for rpm/tpm pre-checks. */
export function estimateTokens(headers: IncomingHttpHeaders): number {
  const contentLength = Number(headers['content-length'] ?? 0);
  return Math.ceil((Number.isFinite(contentLength) && contentLength > 0 ? contentLength : 0) / 4);
}

/** Validates what the gateway relies on; every other field passes through untouched. */
export function parseClientRequest(capability: Capability, req: FastifyRequest): ClientRequest {
  if (capability === 'audio.transcriptions') {
    const raw = Buffer.isBuffer(req.body) ? req.body : null;
    const contentType = String(req.headers['content-type'] ?? '');
    if (!raw || !contentType.startsWith('multipart/form-data')) {
      throw new OpenAIError(
        400,
        'invalid_request_error',
        'Send audio/transcriptions as multipart/form-data.',
        'invalid_request',
      );
    }
    const model = multipartField(raw, 'model');
    if (!model)
      throw new OpenAIError(
        400,
        'invalid_request_error',
        "Invalid request: 'model' is required.",
        'invalid_request',
        'model',
      );
    return { capability, body: { model }, rawBody: raw, contentType, stream: false };
  }
  const v = validateClientBody(capability, req.body);
  if (!v.ok) throw new OpenAIError(400, 'invalid_request_error', v.message, 'invalid_request', v.param);
  const stream = (capability === 'chat' || capability === 'completions') && v.body.stream === true;
  return { capability, body: v.body, stream };
}
