import type { ServerResponse } from 'node:http';

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: a compressing proxy (the console's Next.js server in front of the playground) must not
  // gzip the stream, which would hold events back until its buffer fills.
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // Tell nginx-style proxies in front of us not to buffer the stream.
  'x-accel-buffering': 'no',
};

/**
 * Writes Server-Sent Events exactly as Dify expects: one `data: <json>\n\n` per event, flushed at
 * once (chunked encoding), keep-alive comments (`: ping\n\n`) as their own events during silences.
 * It knows nothing about providers.
 */
export class SseWriter {
  private pingTimer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  private ended = false;
  /**
   * Runs once, right before the headers go out: the gateway takes the response over from fastify only
   * then, so an attempt that fails before its first event leaves the reply free for an ordinary error.
   */
  beforeStart: (() => void) | null = null;
  /** Gets every event as written (not keep-alive pings), for a project that keeps bodies. */
  capture: { appendStream(event: string): void } | null = null;

  constructor(
    private readonly res: ServerResponse,
    private readonly pingIntervalMs: number,
    /** Leave the response open at the end for an in-process caller's own last event (`release`). */
    private readonly holdOpen = false,
  ) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  start(headers: Record<string, string>): void {
    if (this.res.headersSent) return;
    this.beforeStart?.();
    this.beforeStart = null;
    // No flushHeaders(): the headers leave in the same write as the first event (or ping), one packet
    // instead of two, which the client sees as an earlier first chunk.
    this.res.writeHead(200, { ...SSE_HEADERS, ...headers });
    this.lastWrite = Date.now();
    this.pingTimer = setInterval(
      () => {
        if (Date.now() - this.lastWrite >= this.pingIntervalMs) this.ping();
      },
      Math.max(50, Math.floor(this.pingIntervalMs / 2)),
    );
    this.pingTimer.unref();
  }

  /** A keep-alive comment now (it also carries the headers out when nothing else has been written). */
  ping(): void {
    this.write(': ping\n\n');
  }

  data(json: string): void {
    const event = `data: ${json}\n\n`;
    if (this.write(event)) this.capture?.appendStream(event);
  }

  done(): void {
    const event = 'data: [DONE]\n\n';
    if (this.write(event)) this.capture?.appendStream(event);
    this.end();
  }

  /** A failure after the stream started: one error event, then the stream ends (no [DONE]). */
  error(error: { message: string; type: string; code: string | null; param: string | null }): void {
    this.data(JSON.stringify({ error }));
    this.end();
  }

  end(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.ended) return;
    this.ended = true;
    if (this.holdOpen) return;
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
  }

  /** Ends a held-open stream with one named event of the caller's own (after the data plane's last). */
  release(event: string, json: string): void {
    this.end();
    if (!this.res.writableEnded && !this.res.destroyed) this.res.end(`event: ${event}\ndata: ${json}\n\n`);
  }

  private write(text: string): boolean {
    if (this.closed) return false;
    this.lastWrite = Date.now();
    this.res.write(text);
    return true;
  }
}
