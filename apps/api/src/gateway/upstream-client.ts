import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher, Pool, request } from 'undici';
import type { UpstreamRequest } from '../providers/provider.types';

export interface SendOptions {
  signal: AbortSignal;
  /** Time allowed until the upstream's response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence allowed between body chunks (streams: the idle gap). */
  bodyTimeoutMs: number;
}

export interface BufferedResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface BufferedSendOptions {
  /** Limit for the whole exchange (headers and body). */
  timeoutMs: number;
  /** Largest body read into memory; a bigger answer is cut off with UpstreamBodyTooLargeError. */
  maxBytes?: number;
  /** Receives the function that cancels this call (the client hung up); called before the request goes out. */
  onCancelable?: (cancel: (reason: Error) => void) => void;
}

/** An upstream call that ran out of time (its name is what the error classification looks for). */
export class UpstreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`upstream did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** A non-stream answer larger than the gateway reads into memory. */
export class UpstreamBodyTooLargeError extends Error {
  constructor(max: number) {
    super(`upstream answer is larger than ${max} bytes (UPSTREAM_MAX_RESPONSE_BYTES)`);
    this.name = 'UpstreamBodyTooLargeError';
  }
}

/**
 * The one way out to upstreams: an undici Agent with keep-alive pools per origin, so a busy gateway
 * reuses warm connections instead of paying a TCP/TLS handshake per request.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  /** A host that does not accept a connection within this is given up (and the next deployment tried). */
  private readonly connectTimeoutMs: number;
  private readonly agent: Agent;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'upstreamConnectTimeoutMs'>) {
    this.connectTimeoutMs = config.upstreamConnectTimeoutMs;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connect: { timeout: this.connectTimeoutMs },
      // No pipelining: a slow stream must not hold up the request queued behind it.
      pipelining: 1,
    });
  }

  private readonly pools = new Map<string, Pool>();
  private readonly targets = new Map<string, { origin: string; path: string }>();

  /**
   * Sends and reads the whole answer through a per-origin Pool's dispatch API: no response stream
   * objects, no AbortController and no event listeners per request, which is most of undici's cost on
   * the non-stream throughput path. The call rejects with UpstreamTimeoutError after `timeoutMs`, or
   * with the reason given to the cancel function handed to `onCancelable`.
   */
  sendBuffered(req: UpstreamRequest, opts: BufferedSendOptions): Promise<BufferedResponse> {
    const { origin, path } = this.target(req.url);
    const pool = this.pool(origin);
    return new Promise<BufferedResponse>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const maxBytes = opts.maxBytes ?? Infinity;
      let size = 0;
      let statusCode = 0;
      let headers: IncomingHttpHeaders = {};
      let controller: Dispatcher.DispatchController | null = null;
      let cancelled: Error | null = null;
      let settled = false;
      const cancel = (reason: Error) => {
        if (settled || cancelled) return;
        cancelled = reason;
        if (controller) controller.abort(reason);
      };
      const timer = setTimeout(() => cancel(new UpstreamTimeoutError(opts.timeoutMs)), opts.timeoutMs);
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      opts.onCancelable?.(cancel);
      pool.dispatch(
        {
          origin,
          path,
          method: req.method,
          headers: req.headers,
          body: req.body,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        },
        {
          onRequestStart(c) {
            controller = c;
            if (cancelled) c.abort(cancelled);
          },
          onResponseStart(_c, code, h) {
            statusCode = code;
            headers = h;
          },
          onResponseData(_c, chunk) {
            size += chunk.length;
            if (size > maxBytes) {
              cancel(new UpstreamBodyTooLargeError(maxBytes));
              return;
            }
            chunks.push(chunk);
          },
          onResponseEnd() {
            finish(() =>
              resolve({
                statusCode,
                headers,
                body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
              }),
            );
          },
          onResponseError(_c, err) {
            finish(() => reject(cancelled ?? err));
          },
        },
      );
    });
  }

  private target(url: string): { origin: string; path: string } {
    let t = this.targets.get(url);
    if (!t) {
      const u = new URL(url);
      t = { origin: u.origin, path: `${u.pathname}${u.search}` };
      if (this.targets.size >= 10_000) this.targets.clear();
      this.targets.set(url, t);
    }
    return t;
  }

  private pool(origin: string): Pool {
    let p = this.pools.get(origin);
    if (!p) {
      p = new Pool(origin, {
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connect: { timeout: this.connectTimeoutMs },
        pipelining: 1,
      });
      this.pools.set(origin, p);
    }
    return p;
  }

  send(req: UpstreamRequest, opts: SendOptions): Promise<Dispatcher.ResponseData> {
    return request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: this.agent,
      signal: opts.signal,
      headersTimeout: opts.headersTimeoutMs,
      bodyTimeout: opts.bodyTimeoutMs,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.agent, ...this.pools.values()].map((d) => d.close().catch(() => undefined)));
  }
}
