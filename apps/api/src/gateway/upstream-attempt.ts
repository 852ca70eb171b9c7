import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { getProvider, isProviderName } from '../providers/provider-registry';
import type { UpstreamRequest, UpstreamTarget } from '../providers/provider.types';
import { ProviderRequestError } from '../providers/provider-request.error';
import { classifyUpstreamError, parseRateLimitHeaders, type HeaderBag } from '../providers/upstream-error';
import { RouterRegistry } from '../routing/router-registry';
import type { AttemptResult, RoutedDeployment } from '../routing/routing.types';
import { badResponse, clientClosed, fail, providerRefusal, upstreamFailure } from './attempt-errors';
import { bufferedAttempt, MAX_ERROR_BODY } from './buffered-attempt';
import { type Answer, CAPABILITY_LABEL, type RequestState } from './gateway-request';
import { streamAttempt } from './stream-attempt';
import { UpstreamBodyTooLargeError, UpstreamClient } from './upstream-client';
import { UpstreamUnresponsiveError, UpstreamWatchdog } from './upstream-watchdog';

/** Default longest silence inside a stream. */
const DEFAULT_STREAM_IDLE_MS = 300_000;

/**
 * One attempt on one deployment: build the provider's request, send it, and hand back the answer (or the
 * classified failure) for the router to act on. Streams go to `streamAttempt`, everything else to
 * `bufferedAttempt`.
 */
@Injectable()
export class UpstreamAttempt {
  constructor(
    private readonly registry: RouterRegistry,
    private readonly upstream: UpstreamClient,
    private readonly watchdog: UpstreamWatchdog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Per-attempt time limit: the deployment's, else the group's, bounded by what is left of the request. */
  private attemptTimeoutMs(state: RequestState, d: RoutedDeployment): number {
    const group = this.registry.getGroup(d.modelGroup);
    const own = d.timeoutMs ?? group?.policy.timeoutMs ?? this.config.upstreamTimeoutMs;
    return Math.max(1, Math.min(own, state.deadlineAt - Date.now()));
  }

  async run(state: RequestState, d: RoutedDeployment, reply: FastifyReply): Promise<AttemptResult<Answer>> {
    const adapter = isProviderName(d.provider) ? getProvider(d.provider) : null;
    if (!adapter || !adapter.supports(state.capability)) {
      return fail(
        {
          kind: 'unsupported_route',
          status: 404,
          retryable: true,
          cooldown: false,
          retryAfterMs: null,
          message: `Deployment '${d.name}' (${d.provider}) does not support ${CAPABILITY_LABEL[state.capability]}`,
        },
        false,
      );
    }
    const timeoutMs = this.attemptTimeoutMs(state, d);
    const target: UpstreamTarget = {
      apiBase: d.apiBase,
      apiKey: d.apiKey,
      apiVersion: d.apiVersion,
      model: d.model,
    };

    let upstreamReq: UpstreamRequest;
    try {
      upstreamReq = adapter.buildRequest(state.client, target);
    } catch (err) {
      if (err instanceof ProviderRequestError) return providerRefusal(d, err);
      throw err;
    }

    const t0 = performance.now();
    // A stream attempt gets its own abort (the watchdog may cancel it alone); buffered ones cancel via state.
    const attemptAbort = state.client.stream ? new AbortController() : null;
    const unwatch = this.watchdog.watch(d, (reason) =>
      attemptAbort ? attemptAbort.abort(reason) : state.cancelUpstream?.(reason),
    );
    let answered = false;
    try {
      if (!state.client.stream) {
        const result = await bufferedAttempt(this.upstream, {
          state,
          deployment: d,
          adapter,
          request: upstreamReq,
          target,
          timeoutMs,
          maxResponseBytes: this.config.upstreamMaxResponseBytes,
          t0,
        });
        answered = true;
        return result;
      }
      // Streams: the headers must come within the first-byte limit (a silent upstream fails fast and the
      // next deployment is tried); after that, undici's body timeout is the longest silence between chunks.
      const group = this.registry.getGroup(d.modelGroup);
      const idleMs = group?.policy.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_MS;
      const res = await this.upstream.send(upstreamReq, {
        signal: AbortSignal.any([state.abort.signal, attemptAbort!.signal]),
        headersTimeoutMs: Math.min(timeoutMs, this.config.upstreamFirstByteTimeoutMs),
        bodyTimeoutMs: Math.min(idleMs, Math.max(1, state.deadlineAt - Date.now())),
      });
      answered = true;
      unwatch(true);
      const headers = res.headers as HeaderBag;
      if (res.statusCode >= 400) {
        const text = await readLimited(res.body, MAX_ERROR_BODY);
        state.upstreamMs += performance.now() - t0;
        return upstreamFailure(d, adapter, target, res.statusCode, headers, text);
      }
      if (!isEventStream(headers)) {
        // The upstream ignored `stream: true`; translating its JSON answer into a stream is out of scope.
        await res.body.dump();
        return badResponse(`${d.name}: upstream answered a stream request without an event stream`);
      }
      return await streamAttempt({
        state,
        deployment: d,
        adapter,
        body: res.body,
        reply,
        t0,
        rateLimit: parseRateLimitHeaders(headers),
        keepAliveMs: this.config.sseKeepAliveMs,
      });
    } catch (err) {
      state.upstreamMs += performance.now() - t0;
      if (state.clientGone) return clientClosed(false);
      const cause = attemptAbort?.signal.aborted ? attemptAbort.signal.reason : err;
      if (cause instanceof UpstreamUnresponsiveError) {
        // Proven dead by a probe: bench it and let the request go elsewhere.
        return fail(
          {
            kind: 'unresponsive',
            status: 504,
            retryable: true,
            cooldown: true,
            retryAfterMs: null,
            message: cause.message,
          },
          false,
        );
      }
      if (err instanceof UpstreamBodyTooLargeError) {
        return fail(
          {
            kind: 'response_too_large',
            status: 502,
            retryable: false,
            cooldown: false,
            retryAfterMs: null,
            message: `${d.name}: ${err.message}`,
          },
          false,
        );
      }
      const cls = classifyUpstreamError({ error: err });
      return fail({ ...cls, message: `${d.name}: ${cls.message}` }, false);
    } finally {
      unwatch(answered);
      state.cancelUpstream = null;
    }
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
