import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher, request } from 'undici';
import type { UpstreamRequest } from '../providers/provider.types';

export interface SendOptions {
  signal: AbortSignal;
  /** Time allowed until the upstream's response headers arrive. */
  headersTimeoutMs: number;
  /** Longest silence allowed between body chunks (streams: the idle gap). */
  bodyTimeoutMs: number;
}

/**
 * The one way out to upstreams: an undici Agent with keep-alive pools per origin, so a busy gateway
 * reuses warm connections instead of paying a TCP/TLS handshake per request.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly agent = new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: 10_000 },
    // No pipelining: a slow stream must not hold up the request queued behind it.
    pipelining: 1,
  });

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
    await this.agent.close().catch(() => undefined);
  }
}
