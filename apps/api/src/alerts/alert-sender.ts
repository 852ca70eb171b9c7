import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertChannelKind } from '@switchboard/contracts';
import { Agent, request } from 'undici';
import { type AlertNotice, slackPayload, webhookPayload } from './alert-message';
import { redactUrl } from './alert-url';

/** Connect, answer and the whole delivery each get this long. */
export const ALERT_SEND_TIMEOUT_MS = 5_000;
/** Longest error text kept in the history. */
const MAX_ERROR_LENGTH = 300;
/**
 * Waits before the second and third try of an alert a receiver could not take (unreachable, 429, 5xx):
 * a Slack or webhook blip of a few seconds does not lose it. A 4xx other than 429 is not retried (the
 * URL or the receiver's setup is wrong; trying again changes nothing).
 */
export const ALERT_RETRY_DELAYS_MS: readonly number[] = [1_000, 4_000];

export interface Delivery {
  ok: boolean;
  /** The receiver's status; null when it could not be reached. */
  status: number | null;
  /** Why it failed, with the URL taken out; null when delivered. */
  error: string | null;
}

/**
 * POSTs notifications to webhook and Slack-compatible receivers: JSON, 5 s, redirects not followed (a
 * redirect is a failure: the URL is the operator's, not the receiver's to change). Never throws.
 */
@Injectable()
export class AlertSender implements OnApplicationShutdown {
  private readonly agent = new Agent({
    connect: { timeout: ALERT_SEND_TIMEOUT_MS },
    headersTimeout: ALERT_SEND_TIMEOUT_MS,
    bodyTimeout: ALERT_SEND_TIMEOUT_MS,
    keepAliveTimeout: 10_000,
  });

  async send(
    kind: AlertChannelKind,
    url: string,
    notice: AlertNotice,
    signal?: AbortSignal,
  ): Promise<Delivery> {
    const body = JSON.stringify(kind === 'slack' ? slackPayload(notice) : webhookPayload(notice));
    const deadline = AbortSignal.timeout(ALERT_SEND_TIMEOUT_MS);
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': 'application/json', 'user-agent': 'Switchboard-Alerts/1' },
        body,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      // Slack answers `ok` or an error word: short either way; the rest is not needed.
      const text = (await res.body.text()).slice(0, 200);
      if (res.statusCode >= 200 && res.statusCode < 300)
        return { ok: true, status: res.statusCode, error: null };
      const detail = text.trim() ? `: ${text.trim()}` : '';
      return {
        ok: false,
        status: res.statusCode,
        error: clip(redactUrl(`The receiver answered HTTP ${res.statusCode}${detail}`, url)),
      };
    } catch (err) {
      return { ok: false, status: null, error: clip(redactUrl(describe(err, deadline), url)) };
    }
  }

  /**
   * `send`, tried again after each of `delaysMs` while the failure is worth retrying (see
   * ALERT_RETRY_DELAYS_MS); the last outcome, with how many tries it took when more than one.
   */
  async sendWithRetries(
    kind: AlertChannelKind,
    url: string,
    notice: AlertNotice,
    signal: AbortSignal,
    delaysMs: readonly number[] = ALERT_RETRY_DELAYS_MS,
  ): Promise<Delivery> {
    let delivery = await this.send(kind, url, notice, signal);
    let tries = 1;
    for (const delay of delaysMs) {
      if (delivery.ok || !worthRetrying(delivery) || signal.aborted) break;
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        break; // shutting down: the last failure stands
      }
      delivery = await this.send(kind, url, notice, signal);
      tries++;
    }
    if (tries === 1) return delivery;
    return delivery.ok
      ? { ...delivery, error: null }
      : { ...delivery, error: clip(`${delivery.error ?? 'Failed'} (after ${tries} tries)`) };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

function describe(err: unknown, deadline: AbortSignal): string {
  if (deadline.aborted) return `No answer within ${ALERT_SEND_TIMEOUT_MS / 1000} s`;
  // Duck-typed: undici's errors need not be this realm's Error.
  if (typeof err !== 'object' || err === null) return 'Could not reach the receiver';
  const e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: { code?: unknown } };
  if (e.name === 'AbortError') return 'Cancelled: the server is shutting down';
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : null;
  const message = typeof e.message === 'string' && e.message ? `: ${e.message}` : '';
  return `Could not reach the receiver${code ? ` (${code})` : ''}${message}`;
}

/** Unreachable, rate limited or a server error: the receiver may take it a moment later. */
function worthRetrying(delivery: Delivery): boolean {
  return delivery.status === null || delivery.status === 429 || delivery.status >= 500;
}

function clip(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
