import { z } from 'zod';
import { httpFailure } from '../routing/failure-http';
import type { FailureReason } from '../routing/routing.types';

/**
 * What Switchboard adds to OpenAI's API on the data plane (`/v1/…`): authentication, response headers and
 * error codes. The request and answer bodies are OpenAI's (its API reference is the full description);
 * the schemas here name only the fields the gateway itself reads, and pass every other field through.
 */

// ---------- response headers ----------

export type DataPlaneHeader =
  | 'x-request-id'
  | 'x-switchboard-model-group'
  | 'x-switchboard-deployment'
  | 'x-switchboard-attempts'
  | 'x-switchboard-overhead-ms'
  | 'retry-after';

export const DATA_PLANE_HEADERS: Record<
  DataPlaneHeader,
  { description: string; type: 'string' | 'integer' }
> = {
  'x-request-id': {
    type: 'string',
    description:
      'Identifies the request in the request log (`requestId`; console: Logs). On every answer of the routed POST routes, errors included, except the body-parsing ones (`invalid_json`, `request_too_large`, `unsupported_media_type`), refused before the request has an id.',
  },
  'x-switchboard-model-group': {
    type: 'string',
    description: 'The model group that answered: the requested one, or a fallback of it.',
  },
  'x-switchboard-deployment': {
    type: 'string',
    description: 'The deployment that answered (on an error: the last one tried).',
  },
  'x-switchboard-attempts': {
    type: 'integer',
    description:
      'Deployments tried for this request, retries and fallbacks included (1: the first one answered).',
  },
  'x-switchboard-overhead-ms': {
    type: 'string',
    description:
      "Time spent in the gateway itself, in milliseconds with two decimals (the whole request minus the upstream's time; for streams, up to the first event).",
  },
  'retry-after': {
    type: 'integer',
    description:
      'Seconds to wait before retrying: with 429 (a key limit, or every deployment at its rate limit), 503 (no deployment available, or shutting down) and when every deployment that failed is cooling down.',
  },
};

/** Headers of an answer the router produced (a deployment was chosen). */
export const ROUTED_HEADERS: readonly DataPlaneHeader[] = [
  'x-request-id',
  'x-switchboard-model-group',
  'x-switchboard-deployment',
  'x-switchboard-attempts',
  'x-switchboard-overhead-ms',
];

// ---------- error codes ----------

export interface DataPlaneError {
  /** Several: the code is one of these (or another of its kind). */
  code: string | readonly string[];
  /** `4XX`: the upstream's own 4xx status, passed through. */
  status: number | '4XX';
  type: string;
  when: string;
  /** Comes with `Retry-After`. */
  retryAfter?: true;
  /** Also answered by `GET /v1/models` (otherwise only by the routed POST requests). */
  models?: true;
  /** Recorded in the request log only: the client is gone. */
  logOnly?: true;
  /** After a deployment was tried: the `x-switchboard-*` headers name the last one. */
  routed?: true;
}

/**
 * Routing failures: status, type and code come from `httpFailure` (routing/failure-http.ts, the one place
 * that maps them), so the document cannot drift from what clients get. A new FailureReason does not compile
 * until it is described here.
 */
const ROUTING_FAILURES: Record<
  FailureReason,
  Pick<DataPlaneError, 'when' | 'retryAfter' | 'logOnly' | 'routed'> & {
    code?: readonly string[];
    status?: '4XX';
  }
> = {
  model_not_found: {
    when: 'No model group has this name (the message lists the models the key may use). `GET /v1/models/{model}` answers it too.',
  },
  unsupported_endpoint: {
    when: 'The model group exists, but none of its deployments (or fallbacks) serves this route, e.g. embeddings sent to a chat-only group.',
  },
  unsupported_request: {
    routed: true,
    when: "Every deployment's provider refused to express the request (e.g. content a provider cannot take); nothing was sent upstream. Status: the provider's refusal, usually 400.",
  },
  request_rejected: {
    routed: true,
    code: ['bad_request', 'context_window', 'content_filter', 'not_found'],
    status: '4XX',
    when: "The upstream rejected the request itself (prompt too long, content filtered, bad parameter): its status passes through, the code is the gateway's classification of the upstream error, and no other deployment is tried.",
  },
  rate_limited: {
    routed: true,
    when: 'Every deployment (and fallback) is at its rate limit or was rate limited by its upstream.',
    retryAfter: true,
  },
  upstream_auth: {
    routed: true,
    when: "The upstream refused the gateway's own API key for the deployment: an operator must fix the deployment's key (it cools down meanwhile).",
    retryAfter: true,
  },
  upstream_failed: {
    routed: true,
    when: "Every deployment tried failed (5xx, timeout, connection refused, bad answer). 502; 503 or 504 when the upstream's last answer was one of those.",
    retryAfter: true,
  },
  no_available_deployment: {
    when: 'Every deployment is disabled, cooling down after failures or at its limits, and none was tried.',
    retryAfter: true,
  },
  deadline_exceeded: {
    routed: true,
    when: "The whole request (every attempt and fallback) ran past UPSTREAM_TIMEOUT_MS, or the group's longer timeout.",
  },
  client_closed: {
    when: 'The client closed the connection before the answer ended; the upstream request is cancelled and what was streamed is billed.',
    logOnly: true,
  },
};

function routingErrors(): DataPlaneError[] {
  return (Object.keys(ROUTING_FAILURES) as FailureReason[]).map((reason) => {
    const http = httpFailure({ reason, lastError: null });
    const { code, status, ...rest } = ROUTING_FAILURES[reason];
    return { code: code ?? http.code, status: status ?? http.status, type: http.type, ...rest };
  });
}

/** A code as Markdown: `code`, or `a`, `b`, … for a code that varies. */
export function codeText(e: DataPlaneError): string {
  return typeof e.code === 'string' ? `\`${e.code}\`` : `${e.code.map((c) => `\`${c}\``).join(', ')}, …`;
}

/** Every error code the data plane answers, in the order a request meets them. */
export const DATA_PLANE_ERRORS: readonly DataPlaneError[] = [
  {
    code: 'missing_api_key',
    status: 401,
    type: 'authentication_error',
    when: 'No key in `Authorization: Bearer`, `api-key` or `x-api-key`.',
    models: true,
  },
  {
    code: 'invalid_api_key',
    status: 401,
    type: 'authentication_error',
    when: 'Unknown, revoked, expired or replaced key (the message says which, and when).',
    models: true,
  },
  {
    code: 'too_many_failed_authentications',
    status: 429,
    type: 'rate_limit_error',
    when: 'Too many requests with an invalid key from this address; valid keys are never slowed by it.',
    retryAfter: true,
    models: true,
  },
  {
    code: 'invalid_json',
    status: 400,
    type: 'invalid_request_error',
    when: 'The body is not JSON.',
  },
  {
    code: 'invalid_request',
    status: 400,
    type: 'invalid_request_error',
    when: 'The body misses what the gateway needs (`model`, `messages`, `input`…) or has it in the wrong type; `param` names the field.',
  },
  {
    code: 'request_too_large',
    status: 413,
    type: 'invalid_request_error',
    when: 'The body is larger than MAX_REQUEST_BODY_BYTES.',
  },
  {
    code: 'unsupported_media_type',
    status: 415,
    type: 'invalid_request_error',
    when: 'A Content-Type the gateway does not read: send application/json (multipart/form-data for audio/transcriptions).',
  },
  {
    code: 'model_not_allowed',
    status: 403,
    type: 'permission_error',
    when: "The key is limited to other model groups (the message names the key's alias and what it may use).",
  },
  {
    code: 'rate_limit_exceeded',
    status: 429,
    type: 'rate_limit_error',
    when: "The key's requests per minute, tokens per minute or parallel-request limit is reached.",
    retryAfter: true,
  },
  {
    code: 'insufficient_quota',
    status: 429,
    type: 'insufficient_quota',
    when: "The key's budget is used up (the message says when it resets, or that it is a total budget).",
  },
  {
    code: 'end_user_rate_limit_exceeded',
    status: 429,
    type: 'rate_limit_error',
    when: "The end user named by the request's `user` field sent the key's `endUserRpmLimit` requests this minute; other end users are not affected.",
    retryAfter: true,
  },
  {
    code: 'end_user_budget_exceeded',
    status: 429,
    type: 'insufficient_quota',
    when: "The end user named by the request's `user` field spent the key's `endUserDailyBudgetUsd` today (UTC); it resets at midnight UTC.",
  },
  ...routingErrors(),
  {
    code: 'upstream_stream_error',
    status: 200,
    type: 'api_error',
    when: 'A stream broke after it started (the status was already sent): the stream ends with one `data: {"error": {…}}` event instead of `data: [DONE]`. Routing failures after the start end the same way, with their own code.',
  },
  {
    code: 'shutting_down',
    status: 503,
    type: 'api_error',
    when: 'The gateway is draining before it stops; another instance (or this one, restarted) will answer.',
    retryAfter: true,
    models: true,
  },
  {
    code: 'internal_error',
    status: 500,
    type: 'api_error',
    when: 'A bug in the gateway; the gateway log has the details. The request is still logged.',
    models: true,
  },
];

// ---------- bodies (OpenAI's, with the fields the gateway reads) ----------

const PASSED_THROUGH = "Every other field of OpenAI's request passes to the upstream untouched.";
const model = z
  .string()
  .min(1)
  .meta({
    description: 'The model group to route to (`GET /v1/models` lists them).',
    examples: ['gpt-4o-mini'],
  });
const stream = z
  .boolean()
  .nullish()
  .describe('true: the answer is server-sent events (`text/event-stream`), ending with `data: [DONE]`.');
const maxTokens = z
  .number()
  .int()
  .min(0)
  .nullish()
  .describe('Counted against the key and deployment token limits.');
const endUser = z.string().optional().describe('Kept in the request log as `endUser`.');
const usage = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
});

const chatRequest = z
  .looseObject({
    model,
    messages: z
      .array(
        z.looseObject({
          role: z.string().describe('system, user, assistant, tool…'),
          content: z.unknown().optional().describe('Text, or an array of content parts.'),
        }),
      )
      .min(1),
    stream,
    max_tokens: maxTokens,
    max_completion_tokens: maxTokens,
    user: endUser,
  })
  .describe(`OpenAI's chat completion request. ${PASSED_THROUGH}`);

const chatCompletion = z
  .looseObject({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number(),
    model: z.string(),
    choices: z.array(
      z.looseObject({ index: z.number(), message: z.looseObject({}), finish_reason: z.string() }),
    ),
    usage,
  })
  .describe("OpenAI's chat completion, translated from the upstream's answer where it is not OpenAI-shaped.");

const completionRequest = z
  .looseObject({
    model,
    prompt: z.union([z.string(), z.array(z.unknown())]),
    stream,
    max_tokens: maxTokens,
    user: endUser,
  })
  .describe(`OpenAI's (legacy) text completion request. ${PASSED_THROUGH}`);

const embeddingRequest = z
  .looseObject({
    model,
    input: z.union([z.string(), z.array(z.unknown()).min(1)]),
    user: endUser,
  })
  .describe(`OpenAI's embedding request. ${PASSED_THROUGH}`);

const embeddingList = z.looseObject({
  object: z.literal('list'),
  data: z.array(z.looseObject({ object: z.literal('embedding'), index: z.number(), embedding: z.unknown() })),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }),
});

const rerankRequest = z
  .looseObject({
    model,
    query: z.string(),
    documents: z.array(z.unknown()),
    top_n: z.number().int().optional(),
  })
  .describe(`A rerank request as Cohere, Jina and vLLM take it. ${PASSED_THROUGH}`);

const rerankAnswer = z
  .looseObject({
    results: z.array(z.looseObject({ index: z.number(), relevance_score: z.number() })),
  })
  .describe("The upstream's answer, passed through.");

const speechRequest = z
  .looseObject({ model, input: z.string(), voice: z.string().optional() })
  .describe(`OpenAI's text-to-speech request. ${PASSED_THROUGH}`);

const transcriptionRequest = z
  .looseObject({
    model,
    file: z.string().meta({ description: 'The audio file.', format: 'binary' }),
  })
  .describe('Multipart form, passed to the upstream as sent; the gateway reads only `model`.');

const modelObject = z.object({
  id: z.string().describe('A model group name: what clients send as `model`.'),
  object: z.literal('model'),
  created: z.literal(0),
  owned_by: z.literal('switchboard'),
});

const modelList = z
  .object({ object: z.literal('list'), data: z.array(modelObject) })
  .describe('The model groups this key may use.');

const sseStream = z
  .string()
  .describe(
    'Server-sent events: `data: {chunk}` lines, then `data: [DONE]`. A failure after the stream started ends it with one `data: {"error": {…}}` event instead. `: ping` comments keep quiet connections alive.',
  );

// ---------- the routes ----------

export interface DataPlaneRoute {
  method: 'GET' | 'POST';
  /** Under `/v1`; each is also served without the prefix. */
  path: string;
  summary: string;
  description?: string;
  params?: Record<string, string>;
  body?: { contentType: string; schema: z.ZodType };
  success: Record<string, z.ZodType>;
  /** Error codes it can answer (from DATA_PLANE_ERRORS). */
  errors: readonly DataPlaneError[];
  headers: readonly DataPlaneHeader[];
}

const requestErrors = DATA_PLANE_ERRORS.filter((e) => !e.logOnly);
const modelsErrors = DATA_PLANE_ERRORS.filter((e) => e.models);
const json = (schema: z.ZodType) => ({ 'application/json': schema });
const jsonBody = (schema: z.ZodType) => ({ contentType: 'application/json', schema });

const routedPost = (
  path: string,
  summary: string,
  body: DataPlaneRoute['body'],
  success: Record<string, z.ZodType>,
): DataPlaneRoute => ({
  method: 'POST',
  path,
  summary,
  body,
  success,
  errors: requestErrors.filter((e) => !(e.code === 'upstream_stream_error' && !success['text/event-stream'])),
  headers: ROUTED_HEADERS,
});

export const DATA_PLANE_ROUTES: readonly DataPlaneRoute[] = [
  routedPost('/v1/chat/completions', 'Chat completion (streams with stream: true)', jsonBody(chatRequest), {
    ...json(chatCompletion),
    'text/event-stream': sseStream,
  }),
  routedPost(
    '/v1/completions',
    'Text completion (legacy; streams with stream: true)',
    jsonBody(completionRequest),
    {
      ...json(
        z.looseObject({ object: z.literal('text_completion'), choices: z.array(z.looseObject({})), usage }),
      ),
      'text/event-stream': sseStream,
    },
  ),
  routedPost('/v1/embeddings', 'Embeddings', jsonBody(embeddingRequest), json(embeddingList)),
  routedPost('/v1/rerank', 'Rerank documents against a query', jsonBody(rerankRequest), json(rerankAnswer)),
  routedPost('/v1/audio/speech', 'Text to speech', jsonBody(speechRequest), {
    'application/octet-stream': z.string().meta({
      description: "The audio, in the upstream's content type (e.g. audio/mpeg).",
      format: 'binary',
    }),
  }),
  routedPost(
    '/v1/audio/transcriptions',
    'Speech to text',
    { contentType: 'multipart/form-data', schema: transcriptionRequest },
    json(z.looseObject({ text: z.string() })),
  ),
  {
    method: 'GET',
    path: '/v1/models',
    summary: 'The model groups the key may use',
    success: json(modelList),
    errors: modelsErrors,
    headers: [],
  },
  {
    method: 'GET',
    path: '/v1/models/:model',
    summary: 'One model group',
    params: { model: 'A model group name' },
    success: json(modelObject),
    errors: [...modelsErrors, ...DATA_PLANE_ERRORS.filter((e) => e.code === 'model_not_found')],
    headers: [],
  },
];

/** The data plane's part of the document's introduction (Markdown). */
export function dataPlaneGuide(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = DATA_PLANE_ERRORS.map(
    (e) =>
      `| ${e.status === 200 ? 'in the stream' : e.status} | ${codeText(e)} | \`${e.type}\` | ${cell(e.when)}${e.retryAfter ? ' With `Retry-After`.' : ''}${e.logOnly ? ' (Request log only.)' : ''} |`,
  );
  return [
    '## OpenAI-compatible API (`/v1`)',
    '',
    "Point any OpenAI client at `<gateway>/v1` with a virtual key (`sk-sb-…`, from the console's Keys page) as the API key; `model` names a model group. The master key works too (no key limits). Every route is also served without `/v1`, for clients such as Dify that append paths to whatever base URL they are given.",
    '',
    "The key goes in `Authorization: Bearer <key>` (or `api-key` / `x-api-key`). Bodies are OpenAI's; what Switchboard adds:",
    '',
    ...Object.entries(DATA_PLANE_HEADERS).map(([name, h]) => `- \`${name}\`: ${h.description}`),
    '',
    'Errors come in OpenAI\'s shape, `{"error": {"message", "type", "param", "code"}}`:',
    '',
    '| Status | `code` | `type` | When |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
