import { performance } from 'node:perf_hooks';
import type { ProviderAdapter, UpstreamRequest, UpstreamTarget } from '../providers/provider.types';
import { parseRateLimitHeaders, type HeaderBag } from '../providers/upstream-error';
import type { AttemptResult, RoutedDeployment } from '../routing/routing.types';
import { badResponse, ClientClosedError, upstreamFailure } from './attempt-errors';
import type { Answer, BodyAnswer, RequestState } from './gateway-request';
import type { UpstreamClient } from './upstream-client';
import { estimateUsage } from './usage-estimate';

/** Upstream error bodies are read up to this size (they are only for the message). */
export const MAX_ERROR_BODY = 64 * 1024;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface BufferedAttemptInput {
  state: RequestState;
  deployment: RoutedDeployment;
  adapter: ProviderAdapter;
  request: UpstreamRequest;
  target: UpstreamTarget;
  timeoutMs: number;
  maxResponseBytes: number;
  /** performance.now() when the attempt started. */
  t0: number;
}

/** Non-stream answers are read whole (no per-request stream objects: this is the throughput path). */
export async function bufferedAttempt(
  upstream: UpstreamClient,
  input: BufferedAttemptInput,
): Promise<AttemptResult<Answer>> {
  const { state, deployment: d, adapter, target, t0 } = input;
  const res = await upstream.sendBuffered(input.request, {
    timeoutMs: input.timeoutMs,
    maxBytes: input.maxResponseBytes,
    onCancelable: (cancel) => {
      if (state.clientGone) cancel(new ClientClosedError());
      else state.cancelUpstream = cancel;
    },
  });
  state.upstreamMs += performance.now() - t0;
  const headers = res.headers as HeaderBag;
  if (res.statusCode >= 400) {
    return upstreamFailure(
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
      return badResponse(`${d.name}: upstream answered ${status} with a body that is not a JSON object`);
    }
    const usage = adapter.usageFromJsonText(text) ?? estimateUsage(state.client, '');
    answer = { kind: 'body', status, contentType, body: res.body, usage };
  } else {
    let json: unknown;
    try {
      json = JSON.parse(res.body.toString('utf8'));
    } catch {
      return badResponse(`${d.name}: upstream answered ${status} with a body that is not valid JSON`);
    }
    const mapped = adapter.mapResponse(state.client, status, json, { publicModel: state.modelGroup });
    const usage = mapped.usage ?? estimateUsage(state.client, '');
    answer = { kind: 'body', status, contentType: JSON_CONTENT_TYPE, body: mapped.body as object, usage };
  }
  return { ok: true, value: answer, latencyMs, tokens: answer.usage?.totalTokens, rateLimit };
}

/** A cheap sanity check before passing a JSON answer through unparsed: `{…}`, not HTML or a cut-off body. */
function looksLikeJsonObject(text: string): boolean {
  const start = text.search(/\S/);
  let end = text.length - 1;
  while (end > start && /\s/.test(text[end])) end--;
  return start !== -1 && text[start] === '{' && text[end] === '}';
}
