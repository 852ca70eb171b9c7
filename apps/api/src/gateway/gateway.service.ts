import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpenAIError } from '../common/errors';
import { getProvider, isProviderName } from '../providers/provider-registry';
import type {
  Capability,
  ClientRequest,
  OpenAiErrorObject,
  ProviderAdapter,
  UpstreamRequest,
  UpstreamTarget,
  Usage,
} from '../providers/provider.types';
import { MetricsService } from '../metrics/metrics.service';
import { ProviderRequestError } from '../providers/provider-request.error';
import { SseParser } from '../providers/sse';
import {
  countChatPromptTokens,
  countCompletionPromptTokens,
  countTextTokens,
} from '../providers/token-count';
import { classifyUpstreamError, parseRateLimitHeaders, type HeaderBag } from '../providers/upstream-error';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import type { AttemptError, AttemptResult, RoutedDeployment } from '../routing/routing.types';
import { multipartField, validateClientBody } from './client-request.schema';
import {
  type Admission,
  COST_CALCULATOR,
  type CostCalculator,
  GATEWAY_AUTH,
  type GatewayAuth,
  type Principal,
  REQUEST_LOG_SINK,
  type RequestLogEntry,
  type RequestLogSink,
} from './gateway-auth';
import { SseWriter } from './sse-writer';
import { UpstreamClient } from './upstream-client';

/** Default per-attempt timeout when neither the deployment nor the policy sets one. */
const DEFAULT_TIMEOUT_MS = 600_000;
/** Default longest silence inside a stream. */
const DEFAULT_STREAM_IDLE_MS = 300_000;
/** Dify reads with a 300 s timeout; ping well before that (and before most proxies' 60 s). */
const KEEPALIVE_MS = 15_000;
/** Upstream error bodies are read up to this size (they are only for the message). */
const MAX_ERROR_BODY = 64 * 1024;

export const ROUTE_NAMES: Record<Capability, string> = {
  chat: 'chat.completions',
  completions: 'completions',
  embeddings: 'embeddings',
  rerank: 'rerank',
  'audio.speech': 'audio.speech',
  'audio.transcriptions': 'audio.transcriptions',
};

const CAPABILITY_LABEL: Record<Capability, string> = {
  chat: 'chat completions',
  completions: 'text completions',
  embeddings: 'embeddings',
  rerank: 'rerank',
  'audio.speech': 'audio/speech',
  'audio.transcriptions': 'audio/transcriptions',
};

/** The part of a log row that depends on how the request ended. */
type LogFields = Omit<
  RequestLogEntry,
  'createdAt' | 'requestId' | 'route' | 'keyId' | 'projectId' | 'stream' | 'endUser' | 'modelGroup'
>;

/**
 * What a successful non-stream attempt hands back: the upstream's bytes (OpenAI-shaped JSON, audio) or
 * a translated JSON object. Usage is null only for answers that carry none (audio/speech).
 */
interface BodyAnswer {
  kind: 'body';
  status: number;
  contentType: string;
  body: Buffer | object;
  usage: Usage | null;
}
/** A stream attempt writes to the client itself and reports what it sent. */
interface StreamAnswer {
  kind: 'stream';
  usage: Usage;
  ttftMs: number | null;
}
type Answer = BodyAnswer | StreamAnswer;

/** Per-request bookkeeping shared by the attempts. */
interface RequestState {
  requestId: string;
  startedAt: number;
  capability: Capability;
  principal: Principal;
  modelGroup: string;
  client: ClientRequest;
  /** From Content-Length: cheap, and close enough for rpm/tpm pre-checks. */
  estimatedTokens: number;
  abort: AbortController;
  /** Time spent waiting on upstreams (so the gateway's own time can be reported). */
  upstreamMs: number;
  attemptsSoFar: number;
  writer: SseWriter | null;
  /** Cancels the non-stream upstream call in flight, if any (the client hung up). */
  cancelUpstream: ((reason: Error) => void) | null;
  /** Deployment that served (or last tried). */
  deployment: RoutedDeployment | null;
  clientGone: boolean;
}

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

const errorBody = (e: OpenAiErrorObject) => ({ error: e });

/**
 * Request ids: `req_` and 32 hex digits, a random per-process half and a counter. Unique across restarts
 * and instances without a UUID (and its formatting) per request.
 */
const REQUEST_ID_PREFIX = `req_${randomBytes(8).toString('hex')}`;
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter++;
  return REQUEST_ID_PREFIX + requestCounter.toString(16).padStart(16, '0');
}

/**
 * The data plane: authenticate from memory, route through the live router, call the upstream via its
 * provider adapter, pass the answer back (streams chunk by chunk), and queue one log row.
 */
@Injectable()
export class GatewayService {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly router: Router,
    private readonly registry: RouterRegistry,
    private readonly upstream: UpstreamClient,
    @Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth,
    @Inject(REQUEST_LOG_SINK) private readonly logSink: RequestLogSink,
    @Inject(COST_CALCULATOR) private readonly cost: CostCalculator,
    private readonly metrics: MetricsService,
  ) {}

  // ---------------------------------------------------------------- models

  listModels(headers: IncomingHttpHeaders) {
    const principal = this.auth.authenticate(extractToken(headers));
    const data = this.registry
      .listGroups()
      .filter((g) => this.auth.canUseModel(principal, g.policy.name))
      .map((g) => this.modelObject(g.policy.name));
    return { object: 'list', data };
  }

  getModel(headers: IncomingHttpHeaders, name: string) {
    const principal = this.auth.authenticate(extractToken(headers));
    if (!this.registry.getGroup(name) || !this.auth.canUseModel(principal, name)) {
      throw new OpenAIError(
        404,
        'invalid_request_error',
        `The model '${name}' does not exist`,
        'model_not_found',
        'model',
      );
    }
    return this.modelObject(name);
  }

  private modelObject(name: string) {
    return { id: name, object: 'model', created: 0, owned_by: 'switchboard' };
  }

  // ---------------------------------------------------------------- requests

  async handle(capability: Capability, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const startedAt = performance.now();
    const requestId = nextRequestId();
    void reply.header('x-request-id', requestId);

    const contentLength = Number(req.headers['content-length'] ?? 0);
    const estimatedTokens = Math.ceil((Number.isFinite(contentLength) ? contentLength : 0) / 4);
    let principal: Principal | null = null;
    let client: ClientRequest;
    let admission: Admission;
    try {
      principal = this.auth.authenticate(extractToken(req.headers));
      client = this.parseClientRequest(capability, req);
      this.assertRoutable(capability, String(client.body.model), principal);
      admission = this.auth.admit(principal, String(client.body.model), estimatedTokens);
    } catch (err) {
      // Refused before routing (bad key, model not allowed, over a limit, bad request): the operator
      // must still see it in the logs, so it gets a row too.
      if (err instanceof OpenAIError) this.logRefusal(capability, req, requestId, startedAt, principal, err);
      throw err;
    }
    const modelGroup = String(client.body.model);

    const state: RequestState = {
      requestId,
      startedAt,
      capability,
      principal,
      modelGroup,
      client,
      estimatedTokens,
      abort: new AbortController(),
      upstreamMs: 0,
      attemptsSoFar: 0,
      writer: null,
      cancelUpstream: null,
      deployment: null,
      clientGone: false,
    };
    // A client that goes away aborts the upstream request at once.
    const onClose = () => {
      if (!reply.raw.writableFinished) {
        state.clientGone = true;
        state.abort.abort();
        state.cancelUpstream?.(new ClientClosedError());
      }
    };
    reply.raw.once('close', onClose);

    let logged = false;
    const finish = (entry: LogFields) => {
      if (logged) return;
      logged = true;
      // Spelled out rather than spread: this runs on every request.
      const full: RequestLogEntry = {
        createdAt: new Date(),
        requestId,
        route: ROUTE_NAMES[capability],
        keyId: principal.kind === 'virtual' ? principal.keyId : null,
        projectId: principal.kind === 'virtual' ? principal.projectId : null,
        modelGroup,
        deploymentId: entry.deploymentId,
        deploymentName: entry.deploymentName,
        attempts: entry.attempts,
        status: entry.status,
        errorType: entry.errorType,
        errorMessage: entry.errorMessage,
        latencyMs: entry.latencyMs,
        ttftMs: entry.ttftMs,
        gatewayMs: entry.gatewayMs,
        promptTokens: entry.promptTokens,
        completionTokens: entry.completionTokens,
        totalTokens: entry.totalTokens,
        costUsd: entry.costUsd,
        stream: client.stream,
        endUser: typeof client.body.user === 'string' ? client.body.user.slice(0, 256) : null,
      };
      admission.release({ totalTokens: full.totalTokens, costUsd: full.costUsd });
      this.metrics.requestFinished(full);
      this.logSink.enqueue(full);
    };

    this.metrics.requestStarted();
    try {
      await this.run(state, reply, finish);
    } catch (err) {
      // Anything unexpected still gets a log row and a proper error (never a cut connection).
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      const e: OpenAiErrorObject = {
        message: 'Internal error in the gateway; see its log.',
        type: 'api_error',
        code: 'internal_error',
        param: null,
      };
      finish({
        ...this.emptyUsage(),
        ...this.timing(state),
        ttftMs: null,
        deploymentId: state.deployment?.id ?? null,
        deploymentName: state.deployment?.name ?? null,
        attempts: [],
        status: 500,
        errorType: 'internal_error',
        errorMessage: e.message,
      });
      if (state.writer?.started) state.writer.error(e);
      else if (!reply.sent) void reply.status(500).send(errorBody(e));
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  private async run(state: RequestState, reply: FastifyReply, finish: (e: LogFields) => void): Promise<void> {
    const { client } = state;
    const outcome = await this.router.execute<Answer>(
      state.modelGroup,
      {
        estimatedTokens: state.estimatedTokens,
        signal: state.abort.signal,
        stream: client.stream,
      },
      (deployment, ctx) => {
        state.attemptsSoFar = ctx.attempt;
        state.deployment = deployment;
        return this.attempt(state, deployment, reply);
      },
    );

    const attempts = outcome.attempts;
    if (outcome.ok) {
      const answer = outcome.value;
      const d = outcome.deployment;
      const usage = answer.usage;
      const promptTokens = usage?.promptTokens ?? 0;
      const completionTokens = usage?.completionTokens ?? 0;
      const costUsd = this.cost.costUsd(d.model, promptTokens, completionTokens);
      const timing = this.timing(state);
      if (answer.kind !== 'stream') {
        this.setRouteHeaders(reply, state, d, attempts.length, timing.gatewayMs);
        void reply.status(answer.status).header('content-type', answer.contentType).send(answer.body);
      }
      finish({
        deploymentId: d.id,
        deploymentName: d.name,
        attempts,
        status: answer.kind === 'stream' ? 200 : answer.status,
        errorType: null,
        errorMessage: null,
        latencyMs: timing.latencyMs,
        ttftMs: answer.kind === 'stream' ? answer.ttftMs : null,
        gatewayMs: timing.gatewayMs,
        promptTokens,
        completionTokens,
        totalTokens: usage?.totalTokens ?? promptTokens + completionTokens,
        costUsd,
      });
      return;
    }

    // Failure: every deployment (and fallback) failed, or the failure was committed mid-stream.
    const last = attempts[attempts.length - 1];
    const status = state.clientGone ? 499 : outcome.status;
    const error: OpenAiErrorObject = {
      message: outcome.message,
      type: outcome.type,
      code: outcome.code,
      param: null,
    };
    const writer = state.writer;
    if (writer?.started) {
      if (!writer.closed) writer.error(error);
    } else if (!state.clientGone && !reply.sent) {
      if (state.deployment)
        this.setRouteHeaders(reply, state, state.deployment, attempts.length, this.timing(state).gatewayMs);
      if (outcome.retryAfterMs !== null && outcome.retryAfterMs > 0) {
        void reply.header('retry-after', String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))));
      }
      void reply.status(outcome.status).send(errorBody(error));
    }
    finish({
      deploymentId: last?.deploymentId ?? null,
      deploymentName: last?.deploymentName ?? null,
      attempts,
      // A stream that failed after it started still counts as the failure it was.
      status,
      errorType: state.clientGone ? 'client_closed_request' : (outcome.lastError?.kind ?? outcome.code),
      errorMessage: outcome.message.slice(0, 2000),
      ...this.timing(state),
      ttftMs: null,
      ...this.emptyUsage(),
    });
  }

  private logRefusal(
    capability: Capability,
    req: FastifyRequest,
    requestId: string,
    startedAt: number,
    principal: Principal | null,
    err: OpenAIError,
  ): void {
    const body = req.body;
    const model =
      body && typeof body === 'object' && 'model' in body ? (body as { model: unknown }).model : null;
    const entry: RequestLogEntry = {
      createdAt: new Date(),
      requestId,
      route: ROUTE_NAMES[capability],
      keyId: principal?.kind === 'virtual' ? principal.keyId : null,
      projectId: principal?.kind === 'virtual' ? principal.projectId : null,
      modelGroup: typeof model === 'string' ? model.slice(0, 200) : '',
      deploymentId: null,
      deploymentName: null,
      attempts: [],
      status: err.status,
      errorType: err.code ?? err.type,
      errorMessage: err.message.slice(0, 2000),
      latencyMs: Math.round(performance.now() - startedAt),
      ttftMs: null,
      gatewayMs: performance.now() - startedAt,
      ...this.emptyUsage(),
      stream: false,
      endUser: null,
    };
    this.metrics.requestStarted();
    this.metrics.requestFinished(entry);
    this.logSink.enqueue(entry);
  }

  // ---------------------------------------------------------------- one attempt

  private async attempt(
    state: RequestState,
    d: RoutedDeployment,
    reply: FastifyReply,
  ): Promise<AttemptResult<Answer>> {
    const adapter = isProviderName(d.provider) ? getProvider(d.provider) : null;
    if (!adapter || !adapter.supports(state.capability)) {
      return this.fail(
        {
          kind: 'not_supported',
          status: 404,
          retryable: true,
          cooldown: false,
          retryAfterMs: null,
          message: `Deployment '${d.name}' (${d.provider}) does not support ${CAPABILITY_LABEL[state.capability]}`,
        },
        false,
      );
    }
    const group = this.registry.getGroup(d.modelGroup);
    const timeoutMs = d.timeoutMs ?? group?.policy.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const idleMs = group?.policy.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_MS;
    const target: UpstreamTarget = {
      apiBase: d.apiBase,
      apiKey: d.apiKey,
      apiVersion: d.apiVersion,
      model: d.model,
    };

    let upstreamReq;
    try {
      upstreamReq = adapter.buildRequest(state.client, target);
    } catch (err) {
      if (err instanceof ProviderRequestError) {
        return this.fail(
          {
            kind: 'bad_request',
            status: 400,
            retryable: false,
            cooldown: false,
            retryAfterMs: null,
            message: err.message,
          },
          false,
        );
      }
      throw err;
    }

    const t0 = performance.now();
    try {
      if (!state.client.stream)
        return await this.bufferedAttempt(state, d, adapter, upstreamReq, target, timeoutMs, t0);
      // Streams: the request's signal (client gone) cancels the attempt; undici's body timeout is the idle gap.
      const res = await this.upstream.send(upstreamReq, {
        signal: state.abort.signal,
        headersTimeoutMs: timeoutMs,
        bodyTimeoutMs: idleMs,
      });
      const headers = res.headers as HeaderBag;
      if (res.statusCode >= 400) {
        const text = await readLimited(res.body, MAX_ERROR_BODY);
        state.upstreamMs += performance.now() - t0;
        return this.upstreamFailure(d, adapter, target, res.statusCode, headers, text);
      }
      if (!isEventStream(headers)) {
        // The upstream ignored `stream: true`; translating its JSON answer into a stream is out of scope.
        await res.body.dump();
        return this.badResponse(`${d.name}: upstream answered a stream request without an event stream`);
      }
      return await this.streamAttempt(state, d, adapter, res.body, reply, t0, parseRateLimitHeaders(headers));
    } catch (err) {
      state.upstreamMs += performance.now() - t0;
      if (state.clientGone) {
        return this.fail(
          {
            kind: 'client_closed',
            status: 499,
            retryable: false,
            cooldown: false,
            retryAfterMs: null,
            message: 'The client closed the connection',
          },
          state.writer?.started ?? false,
        );
      }
      const cls = classifyUpstreamError({ error: err });
      return this.fail({ ...cls, message: `${d.name}: ${cls.message}` }, false);
    } finally {
      state.cancelUpstream = null;
    }
  }

  /** Non-stream answers are read whole (no per-request stream objects: this is the throughput path). */
  private async bufferedAttempt(
    state: RequestState,
    d: RoutedDeployment,
    adapter: ProviderAdapter,
    upstreamReq: UpstreamRequest,
    target: UpstreamTarget,
    timeoutMs: number,
    t0: number,
  ): Promise<AttemptResult<Answer>> {
    const res = await this.upstream.sendBuffered(upstreamReq, {
      timeoutMs,
      onCancelable: (cancel) => {
        if (state.clientGone) cancel(new ClientClosedError());
        else state.cancelUpstream = cancel;
      },
    });
    state.upstreamMs += performance.now() - t0;
    const headers = res.headers as HeaderBag;
    if (res.statusCode >= 400) {
      return this.upstreamFailure(
        d,
        adapter,
        target,
        res.statusCode,
        headers,
        res.body.toString('utf8', 0, MAX_ERROR_BODY),
      );
    }
    const rateLimit = parseRateLimitHeaders(headers);
    const contentType = String(headers['content-type'] ?? '');
    const latencyMs = performance.now() - t0;
    const status = res.statusCode;
    if (state.capability === 'audio.speech' || !contentType.includes('json')) {
      const answer: BodyAnswer = {
        kind: 'body',
        status,
        contentType: contentType || 'application/octet-stream',
        body: res.body,
        usage: null,
      };
      return { ok: true, value: answer, latencyMs, rateLimit };
    }
    let answer: BodyAnswer;
    if (adapter.usageFromJsonText) {
      // OpenAI-shaped already: the client gets the upstream's bytes; only the usage is read.
      const text = res.body.toString('utf8');
      if (!looksLikeJsonObject(text)) {
        return this.badResponse(
          `${d.name}: upstream answered ${status} with a body that is not a JSON object`,
        );
      }
      const usage = adapter.usageFromJsonText(text) ?? this.countUsage(state, null);
      answer = { kind: 'body', status, contentType, body: res.body, usage };
    } else {
      const json: unknown = JSON.parse(res.body.toString('utf8'));
      const mapped = adapter.mapResponse(state.client, status, json, { publicModel: state.modelGroup });
      const usage = mapped.usage ?? this.countUsage(state, null);
      answer = { kind: 'body', status, contentType: JSON_CONTENT_TYPE, body: mapped.body as object, usage };
    }
    return { ok: true, value: answer, latencyMs, tokens: answer.usage?.totalTokens, rateLimit };
  }

  private upstreamFailure(
    d: RoutedDeployment,
    adapter: ProviderAdapter,
    target: UpstreamTarget,
    status: number,
    headers: HeaderBag,
    text: string,
  ): AttemptResult<Answer> {
    const body = parseJsonOrText(text);
    const cls = classifyUpstreamError({ status, headers, body });
    const mapped = adapter.mapErrorBody(status, body, target);
    return this.fail({ ...cls, message: `${d.name}: ${mapped.message || cls.message}` }, false);
  }

  /**
   * Passes a stream through chunk by chunk. Client headers go out with the first event (or with the
   * first keep-alive, if the upstream stays silent for long), so a failure before any content can
   * still be retried on another deployment.
   */
  private async streamAttempt(
    state: RequestState,
    d: RoutedDeployment,
    adapter: ProviderAdapter,
    body: AsyncIterable<Buffer>,
    reply: FastifyReply,
    t0: number,
    rateLimit: ReturnType<typeof parseRateLimitHeaders>,
  ): Promise<AttemptResult<Answer>> {
    const created = Math.floor(Date.now() / 1000);
    const mapper = adapter.createStreamMapper(state.client, {
      requestId: state.requestId,
      publicModel: state.modelGroup,
      created,
    });
    const parser = new SseParser();
    const raw = reply.raw;
    if (!state.writer) {
      reply.hijack();
      state.writer = new SseWriter(raw, KEEPALIVE_MS);
    }
    const writer = state.writer;
    // Early keep-alive: if the first event takes long, commit to streaming and start pinging.
    const early = setTimeout(() => {
      if (writer.started) return;
      this.startStream(state, d, writer);
      writer.ping();
    }, KEEPALIVE_MS);
    early.unref();

    const sent: string[] = [];
    let usage: Usage | null = null;
    let ttft: number | null = null;
    let failure: OpenAiErrorObject | null = null;
    const emit = (data: string) => {
      if (!writer.started) this.startStream(state, d, writer);
      if (ttft === null) ttft = performance.now() - state.startedAt;
      writer.data(data);
      sent.push(data);
    };
    try {
      outer: for await (const chunk of body) {
        for (const ev of parser.push(chunk)) {
          for (const out of mapper.push(ev)) {
            if (out.error) {
              failure = out.error;
              break outer;
            }
            if (out.usage) usage = out.usage;
            emit(out.data);
          }
        }
      }
      if (!failure) {
        for (const ev of parser.end())
          for (const out of mapper.push(ev)) {
            if (out.error) failure = out.error;
            else emit(out.data);
          }
        const end = mapper.end();
        for (const out of end.chunks) {
          if (out.error) failure = out.error;
          else emit(out.data);
        }
        usage = end.usage ?? usage;
      }
    } catch (err) {
      clearTimeout(early);
      state.upstreamMs += performance.now() - t0;
      if (state.clientGone) {
        writer.end();
        return this.fail(
          {
            kind: 'client_closed',
            status: 499,
            retryable: false,
            cooldown: false,
            retryAfterMs: null,
            message: 'The client closed the connection',
          },
          true,
        );
      }
      const cls = classifyUpstreamError({ error: err });
      const message = `${d.name}: stream failed: ${cls.message}`;
      if (!writer.started || sent.length === 0) {
        // Nothing reached the client: another deployment may still answer.
        return this.fail({ ...cls, message }, writer.started);
      }
      writer.error({ message, type: 'api_error', code: 'upstream_stream_error', param: null });
      return this.fail({ ...cls, message }, true);
    }
    clearTimeout(early);
    state.upstreamMs += performance.now() - t0;

    if (failure) {
      const cls = classifyUpstreamError({ status: 200, body: { error: failure } });
      if (sent.length === 0 && !writer.started)
        return this.fail({ ...cls, message: `${d.name}: ${failure.message}` }, false);
      writer.error(failure);
      return this.fail({ ...cls, message: `${d.name}: ${failure.message}` }, true);
    }
    if (!writer.started) this.startStream(state, d, writer);
    if (!usage) {
      // The upstream sent no usage: count it ourselves, and always end with a usage chunk (Dify needs it).
      usage = this.countUsage(state, sent);
      writer.data(
        JSON.stringify({
          id: state.requestId,
          object: state.capability === 'chat' ? 'chat.completion.chunk' : 'text_completion',
          created,
          model: state.modelGroup,
          choices: [],
          usage: {
            prompt_tokens: usage.promptTokens,
            completion_tokens: usage.completionTokens,
            total_tokens: usage.totalTokens,
          },
        }),
      );
    }
    writer.done();
    return {
      ok: true,
      value: { kind: 'stream', usage, ttftMs: ttft === null ? null : Math.round(ttft) },
      latencyMs: performance.now() - t0,
      ttftMs: ttft ?? undefined,
      tokens: usage.totalTokens,
      rateLimit,
    };
  }

  private startStream(state: RequestState, d: RoutedDeployment, writer: SseWriter): void {
    const gatewayMs = Math.max(0, performance.now() - state.startedAt - state.upstreamMs);
    writer.start({
      'x-request-id': state.requestId,
      'x-switchboard-model-group': state.modelGroup,
      'x-switchboard-deployment': d.name,
      'x-switchboard-attempts': String(state.attemptsSoFar),
      'x-switchboard-overhead-ms': gatewayMs.toFixed(2),
    });
  }

  // ---------------------------------------------------------------- helpers

  private parseClientRequest(capability: Capability, req: FastifyRequest): ClientRequest {
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

  /** Unknown model, model not allowed, or no deployment that can do this: a clear 4xx before routing. */
  private assertRoutable(capability: Capability, modelGroup: string, principal: Principal): void {
    const group = this.registry.getGroup(modelGroup);
    // A group the key may not use is admit()'s 403 (it names the key's alias), not a 404.
    if (group && !this.auth.canUseModel(principal, modelGroup)) return;
    if (!group) {
      const names = this.registry
        .listGroups()
        .map((g) => g.policy.name)
        .filter((n) => this.auth.canUseModel(principal, n));
      const hint = names.length
        ? ` Available models: ${names.slice(0, 20).join(', ')}.`
        : ' No models are configured yet.';
      throw new OpenAIError(
        404,
        'invalid_request_error',
        `The model '${modelGroup}' does not exist on this gateway.${hint}`,
        'model_not_found',
        'model',
      );
    }
    const chain = [
      group,
      ...group.policy.fallbacks.map((f) => this.registry.getGroup(f)).filter((g) => g !== undefined),
    ];
    const supported = chain.some((g) =>
      g.deployments.some(
        (dep) => isProviderName(dep.provider) && getProvider(dep.provider).supports(capability),
      ),
    );
    if (!supported) {
      const providers = [...new Set(group.deployments.map((dep) => dep.provider))].join(', ') || 'none';
      throw new OpenAIError(
        404,
        'invalid_request_error',
        `The model '${modelGroup}' has no deployment that supports ${CAPABILITY_LABEL[capability]} (providers: ${providers}).`,
        'unsupported_endpoint',
        'model',
      );
    }
  }

  private countUsage(state: RequestState, streamed: string[] | null): Usage {
    const body = state.client.body;
    const model = typeof body.model === 'string' ? body.model : undefined;
    let promptTokens = 0;
    if (state.capability === 'chat')
      promptTokens = countChatPromptTokens(body.messages, { model, tools: body.tools });
    else if (state.capability === 'completions')
      promptTokens = countCompletionPromptTokens(body.prompt, model);
    else if (state.capability === 'embeddings') promptTokens = countCompletionPromptTokens(body.input, model);
    let completionTokens = 0;
    if (streamed) completionTokens = countTextTokens(streamedText(streamed), model);
    return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
  }

  private setRouteHeaders(
    reply: FastifyReply,
    state: RequestState,
    d: RoutedDeployment,
    attempts: number,
    gatewayMs: number,
  ) {
    void reply
      .header('x-switchboard-model-group', state.modelGroup)
      .header('x-switchboard-deployment', d.name)
      .header('x-switchboard-attempts', String(attempts))
      .header('x-switchboard-overhead-ms', gatewayMs.toFixed(2));
  }

  /** Time since the request arrived, and the part of it the gateway itself spent (not upstreams). */
  private timing(state: RequestState) {
    const total = performance.now() - state.startedAt;
    return { latencyMs: Math.round(total), gatewayMs: Math.max(0, total - state.upstreamMs) };
  }

  private emptyUsage() {
    return { promptTokens: 0, completionTokens: 0, totalTokens: 0, costUsd: 0 };
  }

  /** An upstream answer the gateway cannot pass on (nothing sent yet): another deployment may do better. */
  private badResponse(message: string): AttemptResult<Answer> {
    const error: AttemptError = {
      kind: 'bad_response',
      status: 502,
      retryable: true,
      cooldown: false,
      retryAfterMs: null,
      message,
    };
    return this.fail(error, false);
  }

  private fail(error: AttemptError, committed: boolean): AttemptResult<Answer> {
    return { ok: false, error, committed };
  }
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A cheap sanity check before passing a JSON answer through unparsed: `{…}`, not HTML or a cut-off body. */
function looksLikeJsonObject(text: string): boolean {
  const start = text.search(/\S/);
  let end = text.length - 1;
  while (end > start && /\s/.test(text[end])) end--;
  return start !== -1 && text[start] === '{' && text[end] === '}';
}

class ClientClosedError extends Error {
  constructor() {
    super('The client closed the connection');
    this.name = 'AbortError';
  }
}

function isEventStream(headers: HeaderBag): boolean {
  return String(headers['content-type'] ?? '').includes('text/event-stream');
}

async function readLimited(
  body: AsyncIterable<Buffer> & { dump(): Promise<void> },
  max: number,
): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(chunk);
    size += chunk.length;
    if (size >= max) break;
  }
  return Buffer.concat(parts).toString('utf8').slice(0, max);
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The text content of streamed chunks (only used when the upstream reported no usage). */
function streamedText(chunks: string[]): string {
  let text = '';
  for (const data of chunks) {
    try {
      const obj = JSON.parse(data) as {
        choices?: { delta?: { content?: unknown; tool_calls?: unknown }; text?: unknown }[];
      };
      for (const c of obj.choices ?? []) {
        if (typeof c.delta?.content === 'string') text += c.delta.content;
        if (typeof c.text === 'string') text += c.text;
        if (c.delta?.tool_calls) text += JSON.stringify(c.delta.tool_calls);
      }
    } catch {
      // not JSON: ignore
    }
  }
  return text;
}
