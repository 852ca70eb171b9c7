import { performance } from 'node:perf_hooks';
import type { FastifyReply } from 'fastify';
import type { OpenAiErrorObject, ProviderAdapter, StreamMapper, Usage } from '../providers/provider.types';
import { SseParser } from '../providers/sse';
import { classifyUpstreamError, type RateLimitInfo } from '../providers/upstream-error';
import type { AttemptResult, RoutedDeployment } from '../routing/routing.types';
import { clientClosed, fail } from './attempt-errors';
import type { Answer, RequestState } from './gateway-request';
import { SseWriter } from './sse-writer';
import { estimateUsage } from './usage-estimate';

/** Dify reads with a 300 s timeout; ping well before that (and before most proxies' 60 s). */
const KEEPALIVE_MS = 15_000;

export interface StreamAttemptInput {
  state: RequestState;
  deployment: RoutedDeployment;
  adapter: ProviderAdapter;
  body: AsyncIterable<Buffer>;
  reply: FastifyReply;
  /** performance.now() when the attempt started. */
  t0: number;
  rateLimit: RateLimitInfo;
  keepAliveMs?: number;
}

/**
 * Passes a stream through chunk by chunk. Client headers go out with the first event (or with the first
 * keep-alive, if the upstream stays silent for long). Only real events commit the response: until one has
 * been written, a failure can still be retried on another deployment, even after a `: ping`.
 *
 * Usage comes from the stream mapper, which counts as it goes; nothing of the stream is kept here. A stream
 * that ends without success after the upstream started answering (the client hung up, the upstream broke
 * off) leaves what was sent in `state.partialUsage`, so it is billed.
 */
export async function streamAttempt(input: StreamAttemptInput): Promise<AttemptResult<Answer>> {
  const { state, deployment: d, adapter, body, reply, t0, rateLimit } = input;
  const created = Math.floor(Date.now() / 1000);
  const mapper = adapter.createStreamMapper(state.client, {
    requestId: state.requestId,
    publicModel: state.modelGroup,
    created,
  });
  const parser = new SseParser();
  const keepAliveMs = input.keepAliveMs ?? KEEPALIVE_MS;
  if (!state.writer) {
    state.writer = new SseWriter(reply.raw, keepAliveMs, state.observer !== null);
    state.writer.capture = state.capture ?? null;
    state.writer.beforeStart = () => {
      reply.hijack();
    };
  }
  const writer = state.writer;
  // Early keep-alive: if the first event takes long, send the headers and start pinging.
  const early = setTimeout(() => {
    if (writer.started) return;
    startStream(state, d, writer);
    writer.ping();
  }, keepAliveMs);
  early.unref();

  let events = 0;
  let usage: Usage | null = null;
  let firstTokenAt: number | null = null;
  let failure: OpenAiErrorObject | null = null;
  const emit = (data: string) => {
    if (!writer.started) startStream(state, d, writer);
    firstTokenAt ??= performance.now();
    writer.data(data);
    events++;
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
      keepPartialUsage(state, d, mapper, usage);
      writer.end();
      return clientClosed(events > 0);
    }
    const cls = classifyUpstreamError({ error: err });
    const message = `${d.name}: stream failed: ${cls.message}`;
    // Nothing but pings reached the client: another deployment may still answer.
    if (events === 0) return fail({ ...cls, message }, false);
    keepPartialUsage(state, d, mapper, usage);
    writer.error({ message, type: 'api_error', code: 'upstream_stream_error', param: null });
    return fail({ ...cls, message }, true);
  }
  clearTimeout(early);
  state.upstreamMs += performance.now() - t0;

  if (failure) {
    const cls = classifyUpstreamError({ status: 200, body: { error: failure } });
    const message = `${d.name}: ${failure.message}`;
    if (events === 0) return fail({ ...cls, message }, false);
    keepPartialUsage(state, d, mapper, usage);
    writer.error(failure);
    return fail({ ...cls, message }, true);
  }
  if (!writer.started) startStream(state, d, writer);
  if (!usage) {
    // The mapper reported none (passthrough streams): count the prompt ourselves, and always end with a
    // usage chunk (Dify needs it).
    usage = estimateUsage(state.client, '');
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
    value: {
      kind: 'stream',
      usage,
      ttftMs: firstTokenAt === null ? null : Math.round(firstTokenAt - state.startedAt),
    },
    latencyMs: performance.now() - t0,
    // The router ranks deployments by their own speed: from this attempt's start, not the request's.
    ttftMs: firstTokenAt === null ? undefined : firstTokenAt - t0,
    tokens: usage.totalTokens,
    rateLimit,
  };
}

/** Sends the stream's headers (they name the deployment, attempts and the gateway's own time). */
function startStream(state: RequestState, d: RoutedDeployment, writer: SseWriter): void {
  const gatewayMs = Math.max(0, performance.now() - state.startedAt - state.upstreamMs);
  writer.start({
    'x-request-id': state.requestId,
    'x-switchboard-model-group': state.modelGroup,
    'x-switchboard-deployment': d.name,
    'x-switchboard-attempts': String(state.attemptsSoFar),
    'x-switchboard-overhead-ms': gatewayMs.toFixed(2),
  });
}

/** The mapper's count of what went out so far (its end chunks are discarded: the stream ends with ours). */
function keepPartialUsage(
  state: RequestState,
  d: RoutedDeployment,
  mapper: StreamMapper,
  reported: Usage | null,
): void {
  let usage = reported;
  try {
    usage = mapper.end().usage ?? reported;
  } catch {
    // A mapper that cannot finish after a broken stream still leaves what it reported.
  }
  state.partialUsage = { usage: usage ?? estimateUsage(state.client, ''), deployment: d };
}
