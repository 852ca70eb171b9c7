import { Injectable } from '@nestjs/common';
import {
  PLAYGROUND_SUMMARY_EVENT,
  type playgroundChatSchema,
  type PlaygroundSummary,
} from '@switchboard/contracts';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { inScope, type ProjectScope } from '../auth/caller';
import { AdminError, OpenAIError } from '../common/errors';
import { validateClientBody } from '../gateway/client-request.schema';
import type { Principal } from '../gateway/gateway-auth';
import type { ObservedEnd, RequestObserver } from '../gateway/gateway-request';
import { GatewayService } from '../gateway/gateway.service';
import { VirtualKeyGatewayAuth } from '../keys/virtual-key.gateway-auth';
import type { RequestLogEntry } from '../usage/request-log-entry';

type PlaygroundChatInput = z.output<typeof playgroundChatSchema>;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Sends one chat through the data plane as a key picked by id (no secret: virtual keys are stored as hashes),
 * or as the master key. Everything a /v1 request goes through applies: the key's model list and limits,
 * routing, retries and fallbacks, cooldowns, the request log (end user `playground:account:<account id>` or `playground:master-key`) and spend.
 * The answer ends with the request log's figures for the request: an SSE `event: switchboard` after the
 * stream, a `switchboard` object beside a non-stream completion or an error.
 */
@Injectable()
export class PlaygroundService {
  constructor(
    private readonly gateway: GatewayService,
    private readonly keys: VirtualKeyGatewayAuth,
  ) {}

  async chat(input: PlaygroundChatInput, actor: string, scope: ProjectScope, reply: FastifyReply) {
    const principal = this.principalFor(input.keyId, scope);
    const body: Record<string, unknown> = {
      model: input.model,
      messages: input.messages,
      stream: input.stream,
      // Marks the request in Logs (end user), and in what the upstream is told about its end user.
      user: `playground:${actor}`.slice(0, 256),
    };
    if (input.stream) body.stream_options = { include_usage: true };
    if (input.max_tokens !== undefined) body.max_tokens = input.max_tokens;
    if (input.temperature !== undefined) body.temperature = input.temperature;
    // The data plane's own checks, as for a /v1 body.
    const checked = validateClientBody('chat', body);
    if (!checked.ok) throw new AdminError(400, 'invalid_request', checked.message);
    const estimatedTokens = Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 4);
    const observer: RequestObserver = { ended: (entry, end) => this.answer(reply, entry, end) };
    try {
      await this.gateway.handleResolved(
        principal,
        { capability: 'chat', body: checked.body, stream: input.stream },
        estimatedTokens,
        reply,
        observer,
      );
    } catch (err) {
      // A 401 from the key check means the key went away meanwhile; on the admin API 401 means "sign in".
      if (err instanceof OpenAIError && err.status === 401)
        throw new AdminError(404, 'key_not_found', err.message);
      throw err;
    }
  }

  /** The principal of the chosen key, from the live key registry (revoked or expired: a 403 saying so). */
  private principalFor(keyId: string | null, scope: ProjectScope): Principal {
    if (keyId === null) return { kind: 'master' };
    const found = this.keys.registry.principalById(keyId);
    // A key outside the caller's projects is answered like a missing one.
    if (
      !found ||
      (found.ok && found.principal.kind === 'virtual' && !inScope(scope, found.principal.projectId))
    )
      throw new AdminError(404, 'key_not_found', `No key with id '${keyId}'.`);
    if (!found.ok) throw new AdminError(403, `key_${found.reason}`, found.message);
    return found.principal;
  }

  /** Finishes the answer once the request has ended, with the figures its log row got. */
  private answer(reply: FastifyReply, entry: RequestLogEntry, end: ObservedEnd): void {
    const summary = toSummary(entry);
    switch (end.kind) {
      case 'stream':
        end.writer.release(PLAYGROUND_SUMMARY_EVENT, JSON.stringify(summary));
        return;
      case 'body': {
        const { answer } = end;
        let completion: object = {};
        try {
          completion = Buffer.isBuffer(answer.body)
            ? (JSON.parse(answer.body.toString('utf8')) as object)
            : answer.body;
        } catch {
          // The data plane checked it looks like JSON; an answer that still does not parse shows as empty.
        }
        send(reply, answer.status, { ...completion, switchboard: summary }, {});
        return;
      }
      case 'error': {
        const headers: Record<string, string> = {};
        if (end.retryAfterMs !== null && end.retryAfterMs > 0)
          headers['retry-after'] = String(Math.max(1, Math.ceil(end.retryAfterMs / 1000)));
        const code = end.error.code ?? end.error.type;
        send(
          reply,
          end.status,
          { error: { code, message: end.error.message }, switchboard: summary },
          headers,
        );
        return;
      }
    }
  }
}

/** Sends JSON, also on a reply a stream attempt hijacked before failing (nothing was written to it yet). */
function send(reply: FastifyReply, status: number, body: object, headers: Record<string, string>): void {
  if (!reply.sent) {
    void reply.status(status).headers(headers).header('content-type', JSON_TYPE).send(body);
    return;
  }
  const raw = reply.raw;
  if (raw.headersSent || raw.destroyed) return;
  const requestId = reply.getHeader('x-request-id');
  raw.writeHead(status, {
    ...headers,
    'content-type': JSON_TYPE,
    ...(typeof requestId === 'string' ? { 'x-request-id': requestId } : {}),
  });
  raw.end(JSON.stringify(body));
}

function toSummary(entry: RequestLogEntry): PlaygroundSummary {
  return {
    requestId: entry.requestId,
    modelGroup: entry.modelGroup,
    deployment: entry.status < 400 ? entry.deploymentName : null,
    status: entry.status,
    errorType: entry.errorType,
    errorMessage: entry.errorMessage,
    attempts: entry.attempts.map((a) => ({
      deployment: a.deploymentName,
      modelGroup: a.modelGroup,
      status: a.status,
      errorKind: a.errorKind,
      latencyMs: Math.round(a.latencyMs),
    })),
    promptTokens: entry.promptTokens,
    completionTokens: entry.completionTokens,
    totalTokens: entry.totalTokens,
    costUsd: entry.costUsd,
    latencyMs: entry.latencyMs,
    ttftMs: entry.ttftMs,
    endUser: entry.endUser,
  };
}
