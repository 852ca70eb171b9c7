import {
  type PlaygroundChat,
  playgroundCompletionSchema,
  PLAYGROUND_SUMMARY_EVENT,
  type PlaygroundSummary,
  playgroundSummarySchema,
  type VirtualKey,
  virtualKeyPageSchema,
} from '@switchboard/contracts';
import { z } from 'zod';
import { apiRequest } from '@/lib/api-client';
import { SseReader } from './sse';

/** Keys offered in the picker: the first page of active keys is plenty for a playground. */
const KEY_PICKER_LIMIT = 500;

/** Active keys (not revoked, not expired), with their project names. */
export async function listPlaygroundKeys(signal?: AbortSignal): Promise<VirtualKey[]> {
  const params = new URLSearchParams({ limit: String(KEY_PICKER_LIMIT), includeRevoked: 'false' });
  const page = await apiRequest(`/api/keys?${params}`, { schema: virtualKeyPageSchema, signal });
  const now = Date.now();
  return page.data.filter((k) => !k.revokedAt && !(k.expiresAt && Date.parse(k.expiresAt) <= now));
}

/** A failure as the console shows it: the API's code and message, and the request's figures when it ran. */
export class PlaygroundError extends Error {
  override readonly name = 'PlaygroundError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly summary: PlaygroundSummary | null = null,
  ) {
    super(message);
  }
}

export interface PlaygroundHandlers {
  /** Text as it arrives (streams: each delta; otherwise the whole answer once). */
  onText(text: string): void;
}

export interface PlaygroundResult {
  summary: PlaygroundSummary | null;
  /** An error the data plane sent inside the stream, after it had started. */
  streamError: { code: string; message: string } | null;
}

const errorEnvelope = z.object({
  error: z.object({ code: z.string().nullish(), message: z.string() }),
  switchboard: playgroundSummarySchema.optional(),
});

const chunkSchema = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }).optional() })).optional(),
  error: z.object({ code: z.string().nullish(), message: z.string() }).optional(),
});

/**
 * Sends the chat (POST /api/playground/chat) and reads the answer: a stream event by event as it arrives,
 * or the JSON completion. Aborting `signal` stops the request (the gateway then cancels the upstream call).
 */
export async function sendPlaygroundChat(
  body: PlaygroundChat,
  handlers: PlaygroundHandlers,
  signal: AbortSignal,
): Promise<PlaygroundResult> {
  let response: Response;
  try {
    response = await fetch('/api/playground/chat', {
      method: 'POST',
      headers: {
        Accept: body.stream ? 'text/event-stream' : 'application/json',
        'Content-Type': 'application/json',
        'x-switchboard-csrf': '1',
      },
      body: JSON.stringify(body),
      credentials: 'include',
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new PlaygroundError(0, 'network_error', 'Could not reach the Switchboard API.');
  }
  if (!response.ok) throw await toError(response);
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const parsed = playgroundCompletionSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success)
      throw new PlaygroundError(
        response.status,
        'invalid_response',
        'The API sent an answer this console does not understand.',
      );
    const content = parsed.data.choices?.[0]?.message?.content;
    if (content) handlers.onText(content);
    return { summary: parsed.data.switchboard, streamError: null };
  }
  return readStream(response, handlers);
}

async function readStream(response: Response, handlers: PlaygroundHandlers): Promise<PlaygroundResult> {
  const result: PlaygroundResult = { summary: null, streamError: null };
  const reader = response.body?.getReader();
  if (!reader) return result;
  const decoder = new TextDecoder();
  const sse = new SseReader();
  const handle = (events: ReturnType<SseReader['push']>) => {
    for (const { event, data } of events) {
      if (event === PLAYGROUND_SUMMARY_EVENT) {
        const summary = playgroundSummarySchema.safeParse(safeJson(data));
        if (summary.success) result.summary = summary.data;
        continue;
      }
      if (data === '[DONE]') continue;
      const chunk = chunkSchema.safeParse(safeJson(data));
      if (!chunk.success) continue;
      if (chunk.data.error) {
        result.streamError = {
          code: chunk.data.error.code ?? 'stream_error',
          message: chunk.data.error.message,
        };
        continue;
      }
      const text = chunk.data.choices?.[0]?.delta?.content;
      if (text) handlers.onText(text);
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    handle(sse.push(decoder.decode(value, { stream: true })));
  }
  handle(sse.push(decoder.decode()));
  handle(sse.end());
  return result;
}

async function toError(response: Response): Promise<PlaygroundError> {
  const parsed = errorEnvelope.safeParse(await response.json().catch(() => null));
  if (parsed.success) {
    const { error, switchboard } = parsed.data;
    return new PlaygroundError(response.status, error.code ?? 'error', error.message, switchboard ?? null);
  }
  return new PlaygroundError(response.status, 'http_error', `The request failed (HTTP ${response.status}).`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
