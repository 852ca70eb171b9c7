import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { FastifyRequest } from 'fastify';
import type { OpenAIError } from '../common/errors';
import { MetricsService } from '../metrics/metrics.service';
import type { Capability, Usage } from '../providers/provider.types';
import type { AttemptRecord, RoutedDeployment } from '../routing/routing.types';
import {
  REFUSAL_SINK,
  type RefusalSink,
  REQUEST_LOG_SINK,
  type RequestLogEntry,
  type RequestLogSink,
} from '../usage/request-log-entry';
import {
  type Admission,
  COST_CALCULATOR,
  type CostCalculator,
  type PricedUsage,
  type Principal,
} from './gateway-auth';
import { ROUTE_NAMES, type RequestState } from './gateway-request';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { BODY_POLICY, type BodyPolicy, BodyCapture } from './body-capture';

const UNPRICED: PricedUsage = { costUsd: 0, pricing: null };

/** How a routed request ended, as far as its log row is concerned. */
export interface RequestOutcome {
  deployment: RoutedDeployment | null;
  /** When no deployment is known (e.g. the failure came from the last attempt's record). */
  deploymentId?: string | null;
  deploymentName?: string | null;
  attempts: AttemptRecord[];
  status: number;
  errorType: string | null;
  errorMessage: string | null;
  ttftMs: number | null;
  /** What the request used; billed at the price of the deployment that produced it. */
  usage: Usage | null;
  usageDeployment?: RoutedDeployment | null;
}

/**
 * Turns the end of a request into exactly one request-log row (queued, never written on the request path),
 * releases the key's admission with what the request used, and feeds the metrics. Requests refused before
 * any key was recognised are only counted.
 */
@Injectable()
export class RequestLogRecorder {
  constructor(
    @Inject(REQUEST_LOG_SINK) private readonly logSink: RequestLogSink,
    @Inject(COST_CALCULATOR) private readonly cost: CostCalculator,
    private readonly metrics: MetricsService,
    @Inject(REFUSAL_SINK) private readonly refusals: RefusalSink,
    @Inject(BODY_POLICY) private readonly bodies: BodyPolicy,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'masterKey'>,
  ) {}

  /** A collector of the request's bodies when its project keeps them (from memory); null otherwise. */
  captureFor(principal: Principal | null): BodyCapture | null {
    if (principal?.kind !== 'virtual') return null;
    const maxBytes = this.bodies.bodyMaxBytesFor(principal.projectId);
    return maxBytes === null ? null : new BodyCapture(maxBytes, [this.config.masterKey]);
  }

  /** Time since the request arrived, and the part of it the gateway itself spent (not upstreams). */
  timing(state: RequestState): { latencyMs: number; gatewayMs: number } {
    const total = performance.now() - state.startedAt;
    return { latencyMs: Math.round(total), gatewayMs: Math.max(0, total - state.upstreamMs) };
  }

  /** Logs a routed request once it has ended (answered, failed, or the client went away). */
  finished(state: RequestState, admission: Admission, outcome: RequestOutcome): RequestLogEntry {
    const { latencyMs, gatewayMs } = this.timing(state);
    const usage = outcome.usage;
    const promptTokens = usage?.promptTokens ?? 0;
    const completionTokens = usage?.completionTokens ?? 0;
    const priced = outcome.usageDeployment ?? outcome.deployment;
    // The price row is kept with the row as it is now: a later price change does not rewrite this cost.
    const { costUsd, pricing } = usage && priced ? this.cost.price(priced.model, usage) : UNPRICED;
    const principal = state.principal;
    const body = state.client.body;
    // Spelled out rather than spread: this runs on every request.
    const entry: RequestLogEntry = {
      createdAt: new Date(),
      requestId: state.requestId,
      route: ROUTE_NAMES[state.capability],
      keyId: principal.kind === 'virtual' ? principal.keyId : null,
      projectId: principal.kind === 'virtual' ? principal.projectId : null,
      modelGroup: state.modelGroup,
      deploymentId: outcome.deployment?.id ?? outcome.deploymentId ?? null,
      deploymentName: outcome.deployment?.name ?? outcome.deploymentName ?? null,
      attempts: outcome.attempts,
      status: outcome.status,
      errorType: outcome.errorType,
      errorMessage: outcome.errorMessage === null ? null : outcome.errorMessage.slice(0, 2000),
      latencyMs,
      ttftMs: outcome.ttftMs,
      gatewayMs,
      promptTokens,
      completionTokens,
      totalTokens: usage?.totalTokens ?? promptTokens + completionTokens,
      costUsd,
      cachedTokens: usage?.cachedTokens ?? 0,
      pricing,
      stream: state.client.stream,
      endUser: typeof body.user === 'string' ? body.user.slice(0, 256) : null,
      body: state.capture ? state.capture.finish(state.client) : null,
    };
    admission.release({ totalTokens: entry.totalTokens, costUsd });
    this.metrics.requestFinished(entry);
    this.logSink.enqueue(entry);
    return entry;
  }

  /**
   * A request refused before routing. With a recognised key (model not allowed, over a limit, bad request)
   * the operator must see it in the logs, so it gets a row; without one it is only counted.
   */
  refused(
    capability: Capability,
    req: Pick<FastifyRequest, 'body'>,
    requestId: string,
    startedAt: number,
    principal: Principal | null,
    err: OpenAIError,
  ): void {
    const route = ROUTE_NAMES[capability];
    const reason = err.code ?? err.type;
    if (principal === null) {
      this.refusals.count(route, err.status, reason);
      return;
    }
    const body = req.body;
    const model =
      body && typeof body === 'object' && 'model' in body ? (body as { model: unknown }).model : null;
    const user = body && typeof body === 'object' && 'user' in body ? (body as { user: unknown }).user : null;
    const elapsed = performance.now() - startedAt;
    const entry: RequestLogEntry = {
      createdAt: new Date(),
      requestId,
      route,
      keyId: principal.kind === 'virtual' ? principal.keyId : null,
      projectId: principal.kind === 'virtual' ? principal.projectId : null,
      modelGroup: typeof model === 'string' ? model.slice(0, 200) : '',
      deploymentId: null,
      deploymentName: null,
      attempts: [],
      status: err.status,
      errorType: reason,
      errorMessage: err.message.slice(0, 2000),
      latencyMs: Math.round(elapsed),
      ttftMs: null,
      gatewayMs: elapsed,
      promptTokens: 0,
      completionTokens: 0,
      totalTokens: 0,
      costUsd: 0,
      cachedTokens: 0,
      pricing: null,
      stream: false,
      endUser: typeof user === 'string' ? user.slice(0, 256) : null,
      body: this.refusedBodies(principal, req, err),
    };
    this.metrics.requestStarted();
    this.metrics.requestFinished(entry);
    this.logSink.enqueue(entry);
  }

  /** A refused request of a project that keeps bodies: what it sent, and the error it got. */
  private refusedBodies(principal: Principal, req: Pick<FastifyRequest, 'body'>, err: OpenAIError) {
    const capture = this.captureFor(principal);
    if (!capture) return null;
    capture.setResponse(err.toBody(), false);
    // Only multipart forms (audio transcriptions) arrive as raw bytes.
    return capture.finish(
      Buffer.isBuffer(req.body)
        ? { rawBody: req.body, contentType: 'multipart/form-data' }
        : { body: req.body },
    );
  }
}
