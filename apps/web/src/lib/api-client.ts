import { z } from 'zod';

/** The admin API answers every failure in this envelope. */
const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

const fieldIssueSchema = z.object({
  // Accept both "a.b" and ["a", "b"] so the form code does not care how the API spells paths.
  path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]),
  message: z.string(),
});

export type FieldIssue = { path: string; message: string };

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** HTTP status; 0 when the request never reached the API. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Field-level problems from a `validation_failed` answer, with paths joined by dots. */
  get fieldIssues(): FieldIssue[] {
    const parsed = z.array(fieldIssueSchema).safeParse(this.details);
    if (!parsed.success) return [];
    return parsed.data.map((issue) => ({
      path: Array.isArray(issue.path) ? issue.path.join('.') : issue.path,
      message: issue.message,
    }));
  }

  fieldError(path: string): string | undefined {
    return this.fieldIssues.find((issue) => issue.path === path)?.message;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.status === 401;
}

/** 4xx answers are deterministic: asking again gives the same result. */
export function isClientError(error: unknown): boolean {
  return isApiError(error) && error.status >= 400 && error.status < 500;
}

type ApiPath = `/api/${string}` | '/health';
type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface RequestOptions {
  method?: HttpMethod;
  /** Serialised as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Calls the admin API on the same origin (Next rewrites `/api/*` to the API) with the
 * session cookie. With a schema the JSON body is validated and typed; without one the
 * body is ignored (for 204 answers). Every failure becomes an {@link ApiError}.
 */
export function apiRequest<S extends z.ZodType>(
  path: ApiPath,
  options: RequestOptions & { schema: S },
): Promise<z.output<S>>;
export function apiRequest(path: ApiPath, options?: RequestOptions): Promise<void>;
export async function apiRequest(
  path: ApiPath,
  options: RequestOptions & { schema?: z.ZodType } = {},
): Promise<unknown> {
  const { method = 'GET', body, signal, schema } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // The API refuses cookie-authenticated changes without it (cross-site request forgery).
  if (method !== 'GET') headers['x-switchboard-csrf'] = '1';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'include',
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    // Cancellation is not a failure the UI should report.
    if (signal?.aborted) throw error;
    throw new ApiError(
      0,
      'network_error',
      'Could not reach the Switchboard API. Check your connection and try again.',
    );
  }

  if (!response.ok) throw await toApiError(response);
  if (!schema) return undefined;

  const json = await readJson(response);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'invalid_response',
      'The API sent a response this console does not understand.',
    );
  }
  return parsed.data;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  const envelope = errorEnvelopeSchema.safeParse(await readJson(response));
  if (envelope.success) {
    const { code, message, details } = envelope.data.error;
    return new ApiError(response.status, code, message, details);
  }
  // No envelope: the proxy or something in front of the API answered.
  if (response.status >= 500) {
    return new ApiError(
      response.status,
      'api_unavailable',
      `The Switchboard API is unavailable (HTTP ${response.status}). Try again in a moment.`,
    );
  }
  return new ApiError(response.status, 'http_error', `The request failed (HTTP ${response.status}).`);
}
