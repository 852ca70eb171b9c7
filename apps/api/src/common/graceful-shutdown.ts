import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Server, ServerResponse } from 'node:http';
import { isAdminPath, writeError } from './all-exceptions.filter';

export interface DrainReport {
  /** Requests being served when the drain began. */
  inFlight: number;
  /** Of those, still running at the end of the grace period and ended by the drain. */
  cut: number;
  /** New requests answered 503 during the drain. */
  refused: number;
}

const SHUTTING_DOWN = 'The gateway is shutting down; send the request again in a moment.';
const STREAM_CUT = 'The gateway is shutting down and ended this stream before it finished.';

/**
 * The first step of a graceful stop. Once `drain()` is called, new requests get a 503 with
 * `Retry-After` and `connection: close` (in the error shape of their surface), requests already being
 * served run to completion for up to `graceMs`, and whatever still runs then is ended: a stream with
 * an SSE error event, a request without an answer yet with the same 503. Idle keep-alive connections
 * are closed last. After it resolves, every request has handed its request-log row to the writer, so
 * the caller can close the app (which flushes the log) and then stop the database.
 */
export class GracefulShutdown {
  /** Responses being served, with their request (its URL picks the error shape). */
  private readonly inFlight = new Map<ServerResponse, FastifyRequest>();
  private draining = false;
  private drainStartedAt = 0;
  private refused = 0;
  private onIdle: (() => void) | null = null;
  private drained: Promise<DrainReport> | null = null;

  constructor(
    private readonly fastify: FastifyInstance,
    private readonly graceMs: number,
  ) {
    // Callback-style hooks: no promise per request on the hot path.
    fastify.addHook('onRequest', (req, reply, done) => {
      if (this.draining) this.refuse(req, reply);
      else {
        this.track(req, reply);
        done();
      }
    });
    fastify.addHook('onSend', (_req, reply, payload, done) => {
      // An answer finished during the drain closes its connection: no next request on it.
      if (this.draining) void reply.header('connection', 'close');
      done(null, payload);
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Stops taking requests and waits for those in flight (see the class comment). Idempotent. */
  drain(): Promise<DrainReport> {
    this.drained ??= this.run();
    return this.drained;
  }

  private async run(): Promise<DrainReport> {
    this.draining = true;
    this.drainStartedAt = Date.now();
    const inFlight = this.inFlight.size;
    let cut = 0;
    if (!(await this.idle(this.graceMs))) {
      for (const [res, req] of this.inFlight) {
        cut++;
        this.cut(res, req);
      }
      await this.idle(1000);
    }
    // A handler records its request-log row as its answer ends: let those callbacks run before the
    // caller closes the app and with it the log writer.
    await new Promise((r) => setTimeout(r, 25));
    (this.fastify.server as Server).closeIdleConnections?.();
    return { inFlight, cut, refused: this.refused };
  }

  private refuse(req: FastifyRequest, reply: FastifyReply): void {
    this.refused++;
    const left = Math.max(0, this.graceMs - (Date.now() - this.drainStartedAt));
    void reply
      .header('retry-after', String(Math.max(1, Math.ceil(left / 1000))))
      .header('connection', 'close');
    writeError(reply, req.url, {
      status: 503,
      code: 'shutting_down',
      type: 'api_error',
      message: SHUTTING_DOWN,
      param: null,
    });
  }

  private track(req: FastifyRequest, reply: FastifyReply): void {
    const res = reply.raw;
    this.inFlight.set(res, req);
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) this.onIdle?.();
    });
  }

  /** Resolves true once nothing is in flight, false when `ms` passed first. */
  private idle(ms: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onIdle = null;
        resolve(false);
      }, ms);
      this.onIdle = () => {
        clearTimeout(timer);
        this.onIdle = null;
        resolve(true);
      };
    });
  }

  private cut(res: ServerResponse, req: FastifyRequest): void {
    if (res.writableEnded || res.destroyed) return;
    cutByShutdown.add(res);
    if (!res.headersSent) {
      const body = isAdminPath(req.url)
        ? { error: { code: 'shutting_down', message: SHUTTING_DOWN } }
        : { error: { message: SHUTTING_DOWN, type: 'api_error', param: null, code: 'shutting_down' } };
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': '1',
        connection: 'close',
      });
      res.end(JSON.stringify(body));
      return;
    }
    const body = req.body as { stream?: unknown } | undefined;
    if (
      body?.stream === true ||
      String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')
    ) {
      // Events are written whole, so this lands between two of them: the client sees why it ended.
      const error = { message: STREAM_CUT, type: 'api_error', param: null, code: 'shutting_down' };
      res.end(`data: ${JSON.stringify({ error })}\n\n`);
      return;
    }
    // Half a JSON body cannot be finished honestly.
    res.destroy();
  }
}

const cutByShutdown = new WeakSet<ServerResponse>();

/**
 * Was this answer ended by the drain rather than finished by its handler? The gateway then cancels
 * the upstream request as it does for a client that went away (the row is still written).
 */
export function endedByShutdown(res: ServerResponse): boolean {
  return cutByShutdown.has(res);
}

const installed = new WeakMap<object, GracefulShutdown>();

/** Installs the drain hooks on the app's Fastify instance (before it listens). */
export function installGracefulShutdown(app: NestFastifyApplication, graceMs: number): GracefulShutdown {
  const shutdown = new GracefulShutdown(app.getHttpAdapter().getInstance() as FastifyInstance, graceMs);
  installed.set(app, shutdown);
  return shutdown;
}

export function gracefulShutdownOf(app: NestFastifyApplication): GracefulShutdown {
  const shutdown = installed.get(app);
  if (!shutdown) throw new Error('installGracefulShutdown() was not called for this app');
  return shutdown;
}
