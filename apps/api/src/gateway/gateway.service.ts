import { Inject, Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OpenAIError } from '../common/errors';
import { endedByShutdown } from '../common/graceful-shutdown';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { Capability, ClientRequest, OpenAiErrorObject } from '../providers/provider.types';
import { httpFailure } from '../routing/failure-http';
import { type PreparedClaim, Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import type { RoutedDeployment } from '../routing/routing.types';
import { ClientClosedError } from './attempt-errors';
import { estimateTokens, extractToken, parseClientRequest } from './client-request.parser';
import { type Admission, GATEWAY_AUTH, type GatewayAuth, type Principal } from './gateway-auth';
import {
  type Answer,
  CAPABILITY_LABEL,
  nextRequestId,
  type RequestObserver,
  type RequestState,
} from './gateway-request';
import type { RequestLogEntry } from '../usage/request-log-entry';
import { FailedAuthThrottle } from '../security/failed-auth-throttle';
import { RequestLogRecorder } from './request-log.recorder';
import { UpstreamAttempt } from './upstream-attempt';

const errorBody = (e: OpenAiErrorObject) => ({ error: e });

/**
 * The data plane: authenticate from memory, route through the live router (one `UpstreamAttempt` per try),
 * pass the answer back (streams chunk by chunk), and hand one row to the request-log recorder.
 */
@Injectable()
export class GatewayService {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly router: Router,
    private readonly registry: RouterRegistry,
    private readonly upstreamAttempt: UpstreamAttempt,
    private readonly recorder: RequestLogRecorder,
    @Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly failedAuth: FailedAuthThrottle,
  ) {}

  // ---------------------------------------------------------------- models

  listModels(req: FastifyRequest) {
    const principal = this.authenticate(req);
    const data = this.registry
      .listGroups()
      .filter((g) => this.auth.canUseModel(principal, g.policy.name))
      .map((g) => this.modelObject(g.policy.name));
    return { object: 'list', data };
  }

  getModel(req: FastifyRequest, name: string) {
    const principal = this.authenticate(req);
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

  /**
   * The caller's key, from memory. Unknown keys count against the client's address: past the limit they get
   * a 429 instead of a 401 (valid keys are never checked against it, so they are never slowed).
   */
  private authenticate(req: FastifyRequest): Principal {
    try {
      return this.auth.authenticate(extractToken(req.headers));
    } catch (err) {
      if (err instanceof OpenAIError && err.status === 401) {
        this.failedAuth.recordFailure(req.ip);
        const wait = this.failedAuth.retryAfterSeconds(req.ip);
        if (wait > 0) {
          throw new OpenAIError(
            429,
            'rate_limit_error',
            `Too many requests with an invalid API key from this address; check the key and try again in ${wait} s.`,
            'too_many_failed_authentications',
            null,
            { 'retry-after': String(wait) },
          );
        }
      }
      throw err;
    }
  }

  private modelObject(name: string) {
    return { id: name, object: 'model', created: 0, owned_by: 'switchboard' };
  }

  // ---------------------------------------------------------------- requests

  async handle(capability: Capability, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const startedAt = performance.now();
    const requestId = nextRequestId();
    void reply.header('x-request-id', requestId);

    let principal: Principal | null = null;
    let client: ClientRequest;
    try {
      principal = this.authenticate(req);
      client = parseClientRequest(capability, req);
    } catch (err) {
      if (err instanceof OpenAIError)
        this.recorder.refused(capability, req, requestId, startedAt, principal, err);
      throw err;
    }
    const estimatedTokens = estimateTokens(req.headers);
    await this.serve(
      { startedAt, requestId, principal, client, estimatedTokens, observer: null },
      req,
      reply,
    );
  }

  /**
   * The console playground's way in: the same pipeline as a /v1 request (model access and key limits,
   * routing, retries and fallbacks, the request log, spend) for a principal the caller has already resolved
   * (a key picked by id from the live key registry, or the master key), so no secret is involved. The /v1
   * routes never call this: they only authenticate a presented secret. Refusals before routing are thrown
   * (OpenAIError); everything after is handed to `observer` with the request's log row.
   */
  async handleResolved(
    principal: Principal,
    client: ClientRequest,
    estimatedTokens: number,
    reply: FastifyReply,
    observer: RequestObserver,
  ): Promise<void> {
    const startedAt = performance.now();
    const requestId = nextRequestId();
    void reply.header('x-request-id', requestId);
    await this.serve(
      { startedAt, requestId, principal, client, estimatedTokens, observer },
      { body: client.body },
      reply,
    );
  }

  private async serve(
    start: {
      startedAt: number;
      requestId: string;
      principal: Principal;
      client: ClientRequest;
      estimatedTokens: number;
      observer: RequestObserver | null;
    },
    req: Pick<FastifyRequest, 'body'>,
    reply: FastifyReply,
  ): Promise<void> {
    const { startedAt, requestId, principal, client, estimatedTokens } = start;
    const capability = client.capability;
    let admission: Admission;
    let prepared: PreparedClaim | null = null;
    try {
      this.assertRoutable(capability, String(client.body.model), principal);
      const admitting = this.auth.admit(
        principal,
        String(client.body.model),
        estimatedTokens,
        client.body.user,
      );
      // Key limits shared through Redis: the first deployment's reservation leaves in the same round trip.
      if (admitting instanceof Promise) {
        prepared = this.router.prepare(String(client.body.model), {
          estimatedTokens,
          stream: client.stream,
          capability,
        });
      }
      admission = await admitting;
    } catch (err) {
      prepared?.cancel();
      if (err instanceof OpenAIError)
        this.recorder.refused(capability, req, requestId, startedAt, principal, err);
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
      deadlineAt: Date.now() + this.requestTimeoutMs(modelGroup),
      upstreamMs: 0,
      attemptsSoFar: 0,
      writer: null,
      cancelUpstream: null,
      deployment: null,
      clientGone: false,
      partialUsage: null,
      observer: start.observer,
      capture: this.recorder.captureFor(principal),
    };
    // A client that goes away, or an answer ended by the shutdown drain, aborts the upstream request at once.
    const onClose = () => {
      if (!reply.raw.writableFinished || endedByShutdown(reply.raw)) {
        state.clientGone = true;
        state.abort.abort();
        state.cancelUpstream?.(new ClientClosedError());
      }
    };
    reply.raw.once('close', onClose);

    let logged = false;
    const finish = (outcome: Parameters<RequestLogRecorder['finished']>[2]): RequestLogEntry | null => {
      if (logged) return null;
      logged = true;
      return this.recorder.finished(state, admission, outcome);
    };

    this.metrics.requestStarted();
    try {
      await this.run(state, reply, finish, prepared);
    } catch (err) {
      // Anything unexpected still gets a log row and a proper error (never a cut connection).
      this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      const e: OpenAiErrorObject = {
        message: 'Internal error in the gateway; see its log.',
        type: 'api_error',
        code: 'internal_error',
        param: null,
      };
      const entry = finish({
        deployment: state.deployment,
        attempts: [],
        status: 500,
        errorType: 'internal_error',
        errorMessage: e.message,
        ttftMs: null,
        usage: state.partialUsage?.usage ?? null,
        usageDeployment: state.partialUsage?.deployment ?? null,
      });
      const writer = state.writer;
      if (writer?.started && !writer.closed) writer.error(e);
      if (state.observer) {
        if (entry)
          state.observer.ended(
            entry,
            writer?.started
              ? { kind: 'stream', writer }
              : { kind: 'error', status: 500, error: e, retryAfterMs: null },
          );
      } else if (!writer?.started && !reply.sent) void reply.status(500).send(errorBody(e));
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  /**
   * The whole request (every attempt and fallback) ends by this deadline: the gateway's default, or longer
   * when the group's own per-attempt timeout asks for more.
   */
  private requestTimeoutMs(modelGroup: string): number {
    const groupTimeout = this.registry.getGroup(modelGroup)?.policy.timeoutMs ?? 0;
    return Math.max(this.config.upstreamTimeoutMs, groupTimeout);
  }

  private async run(
    state: RequestState,
    reply: FastifyReply,
    finish: (outcome: Parameters<RequestLogRecorder['finished']>[2]) => RequestLogEntry | null,
    prepared: PreparedClaim | null,
  ): Promise<void> {
    const { client } = state;
    const outcome = await this.router.execute<Answer>(
      state.modelGroup,
      {
        estimatedTokens: state.estimatedTokens,
        signal: state.abort.signal,
        stream: client.stream,
        capability: state.capability,
        deadlineAt: state.deadlineAt,
      },
      (deployment, ctx) => {
        state.attemptsSoFar = ctx.attempt;
        state.deployment = deployment;
        return this.upstreamAttempt.run(state, deployment, reply);
      },
      prepared,
    );

    const attempts = outcome.attempts;
    if (outcome.ok) {
      const answer = outcome.value;
      const d = outcome.deployment;
      if (answer.kind !== 'stream') this.setRouteHeaders(reply, state, d, attempts.length);
      if (answer.kind !== 'stream') state.capture?.setResponse(answer.body, isBinary(state, answer));
      if (answer.kind !== 'stream' && !state.observer) {
        void reply.status(answer.status).header('content-type', answer.contentType).send(answer.body);
      }
      const entry = finish({
        deployment: d,
        attempts,
        status: answer.kind === 'stream' ? 200 : answer.status,
        errorType: null,
        errorMessage: null,
        ttftMs: answer.kind === 'stream' ? answer.ttftMs : null,
        usage: answer.usage,
      });
      if (state.observer && entry) {
        state.observer.ended(
          entry,
          answer.kind === 'stream' ? { kind: 'stream', writer: state.writer! } : { kind: 'body', answer },
        );
      }
      return;
    }

    // Failure: every deployment (and fallback) failed, the failure was committed mid-stream, or the client left.
    const last = attempts[attempts.length - 1];
    const http = httpFailure(outcome);
    const error: OpenAiErrorObject = {
      message: outcome.message,
      type: http.type,
      code: http.code,
      param: null,
    };
    const writer = state.writer;
    // A stream's error event is captured as it is written.
    if (!writer?.started && !state.clientGone) state.capture?.setResponse(errorBody(error), false);
    if (writer?.started) {
      if (!writer.closed) writer.error(error);
    } else if (!state.observer && !state.clientGone && !reply.sent) {
      if (state.deployment) this.setRouteHeaders(reply, state, state.deployment, attempts.length);
      if (outcome.retryAfterMs !== null && outcome.retryAfterMs > 0) {
        void reply.header('retry-after', String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))));
      }
      void reply.status(http.status).send(errorBody(error));
    }
    const entry = finish({
      deployment: null,
      deploymentId: last?.deploymentId ?? null,
      deploymentName: last?.deploymentName ?? null,
      attempts,
      // A stream that failed after it started still counts as the failure it was.
      status: state.clientGone ? 499 : http.status,
      errorType: state.clientGone ? 'client_closed_request' : (outcome.lastError?.kind ?? http.code),
      errorMessage: outcome.message,
      ttftMs: null,
      // What a broken or abandoned stream had already sent is billed.
      usage: state.partialUsage?.usage ?? null,
      usageDeployment: state.partialUsage?.deployment ?? null,
    });
    if (state.observer && entry) {
      if (state.deployment) this.setRouteHeaders(reply, state, state.deployment, attempts.length);
      state.observer.ended(
        entry,
        writer?.started
          ? { kind: 'stream', writer }
          : { kind: 'error', status: http.status, error, retryAfterMs: outcome.retryAfterMs },
      );
    }
  }

  /** Unknown model, model not allowed, or no deployment that serves this: a clear 4xx before routing. */
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
    const served = chain.some((g) => g.deployments.some((dep) => dep.capabilities.includes(capability)));
    if (!served) {
      throw new OpenAIError(
        404,
        'invalid_request_error',
        `The model '${modelGroup}' has no deployment that serves ${CAPABILITY_LABEL[capability]}.`,
        'unsupported_endpoint',
        'model',
      );
    }
  }

  private setRouteHeaders(reply: FastifyReply, state: RequestState, d: RoutedDeployment, attempts: number) {
    const gatewayMs = this.recorder.timing(state).gatewayMs;
    void reply
      .header('x-switchboard-model-group', state.modelGroup)
      .header('x-switchboard-deployment', d.name)
      .header('x-switchboard-attempts', String(attempts))
      .header('x-switchboard-overhead-ms', gatewayMs.toFixed(2));
  }
}

/** Audio and other non-text answers are stored as `[binary, N bytes]`, never their bytes. */
function isBinary(state: RequestState, answer: { contentType: string }): boolean {
  return state.capability === 'audio.speech' || !/json|text/i.test(answer.contentType);
}
