import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { classifyDatabaseError } from './database-error';
import { AdminError, OpenAIError, RequestBodyError } from './errors';

/** Seconds a client should wait before retrying while the database is away. */
const DATABASE_RETRY_AFTER_S = 5;

interface Rendered {
  status: number;
  code: string;
  message: string;
  type: string;
  param: string | null;
  details?: unknown;
  headers?: Record<string, string>;
}

const STATUS_TYPES: Record<number, [type: string, code: string]> = {
  400: ['invalid_request_error', 'invalid_request'],
  401: ['authentication_error', 'invalid_api_key'],
  403: ['permission_error', 'forbidden'],
  404: ['invalid_request_error', 'not_found'],
  405: ['invalid_request_error', 'method_not_allowed'],
  413: ['invalid_request_error', 'request_too_large'],
  415: ['invalid_request_error', 'unsupported_media_type'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
};

/** Is this URL on the admin side (own envelope) rather than the OpenAI-compatible data plane? */
export function isAdminPath(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url.startsWith('/health') || url.startsWith('/metrics');
}

/** Turns anything thrown (ours, Nest's, Fastify's, zod's) into a status and a readable message. */
export function renderError(exception: unknown): Rendered {
  if (exception instanceof OpenAIError) {
    return {
      status: exception.status,
      code: exception.code ?? exception.type,
      type: exception.type,
      message: exception.message,
      param: exception.param,
      headers: exception.headers,
    };
  }
  if (exception instanceof AdminError) {
    const [type] = STATUS_TYPES[exception.status] ?? ['api_error'];
    return {
      status: exception.status,
      code: exception.code,
      type,
      message: exception.message,
      param: null,
      details: exception.details,
    };
  }
  if (exception instanceof RequestBodyError) {
    return {
      status: exception.statusCode,
      code: exception.code,
      type: 'invalid_request_error',
      message: exception.message,
      param: null,
    };
  }
  if (exception instanceof ZodError) {
    const details = exception.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = details[0];
    return {
      status: 400,
      code: 'validation_failed',
      type: 'invalid_request_error',
      message: first
        ? `Invalid request: ${first.path ? `${first.path}: ` : ''}${first.message}`
        : 'Invalid request',
      param: first?.path || null,
      details,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const [type, code] =
      STATUS_TYPES[status] ??
      (status >= 500 ? ['api_error', 'internal_error'] : ['invalid_request_error', 'invalid_request']);
    const res = exception.getResponse();
    const message =
      typeof res === 'object' && res && 'message' in res && typeof res.message === 'string'
        ? res.message
        : exception.message;
    return { status, code, type, message, param: null };
  }
  // Fastify's own errors (body parsing, size limits, content types) carry statusCode and a FST_ code.
  if (exception instanceof Error && 'statusCode' in exception && typeof exception.statusCode === 'number') {
    const status = exception.statusCode;
    const fstCode = 'code' in exception && typeof exception.code === 'string' ? exception.code : '';
    if (status < 500) {
      const [type, code] = STATUS_TYPES[status] ?? ['invalid_request_error', 'invalid_request'];
      let message = exception.message;
      if (fstCode === 'FST_ERR_CTP_BODY_TOO_LARGE')
        message = 'Request body is larger than this gateway accepts.';
      else if (fstCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || exception instanceof SyntaxError)
        message = `Request body is not valid JSON: ${exception.message}`;
      else if (fstCode === 'FST_ERR_CTP_EMPTY_JSON_BODY')
        message = 'Request body is empty; send a JSON object.';
      else if (fstCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        message = 'Unsupported Content-Type; send application/json.';
      return {
        status,
        code: fstCode === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'invalid_json' : code,
        type,
        message,
        param: null,
      };
    }
  }
  // Last line of defence: database errors that no service turned into a domain error.
  const database = classifyDatabaseError(exception);
  if (database === 'unavailable') {
    return {
      status: 503,
      code: 'database_unavailable',
      type: 'api_error',
      message: 'The database is unavailable; try again shortly.',
      param: null,
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_S) },
    };
  }
  if (database === 'bad_data') {
    return {
      status: 400,
      code: 'invalid_value',
      type: 'invalid_request_error',
      message: 'A value in the request cannot be stored (e.g. a NUL character or an out-of-range number).',
      param: null,
    };
  }
  return {
    status: 500,
    code: 'internal_error',
    type: 'api_error',
    message: 'Internal error in the gateway; see its log.',
    param: null,
  };
}

export function writeError(reply: FastifyReply, url: string, rendered: Rendered): void {
  if (rendered.headers) for (const [k, v] of Object.entries(rendered.headers)) void reply.header(k, v);
  const body = isAdminPath(url)
    ? {
        error: {
          code: rendered.code,
          message: rendered.message,
          ...(rendered.details ? { details: rendered.details } : {}),
        },
      }
    : {
        error: { message: rendered.message, type: rendered.type, param: rendered.param, code: rendered.code },
      };
  void reply.status(rendered.status).header('content-type', 'application/json; charset=utf-8').send(body);
}

/**
 * Answers a request that failed with `exception`: 5xx are logged; a response that has already started
 * is cut off (there is no way to put an error into it any more).
 */
export function reportError(
  exception: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
): void {
  const rendered = renderError(exception);
  if (rendered.status >= 500) logger.error(exception instanceof Error ? exception.stack : String(exception));
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  writeError(reply, req.url, rendered);
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    reportError(exception, ctx.getRequest<FastifyRequest>(), ctx.getResponse<FastifyReply>(), this.logger);
  }
}
