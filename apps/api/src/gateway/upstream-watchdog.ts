import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { getProvider, isProviderName } from '../providers/provider-registry';
import type { UpstreamRequest } from '../providers/provider.types';
import type { RoutedDeployment } from '../routing/routing.types';
import { UpstreamClient } from './upstream-client';

/** How long a liveness probe may take before the upstream counts as unresponsive. */
const PROBE_TIMEOUT_MS = 5_000;
/** While attempts stay stuck on a live upstream, probe again at most this often. */
const REPROBE_MS = 30_000;
const CHECK_EVERY_MS = 1_000;

/** Cancels attempts stuck on an upstream that a probe found unresponsive. */
export class UpstreamUnresponsiveError extends Error {
  constructor(deployment: string, waitedMs: number) {
    super(
      `${deployment} accepted the request but did not answer for ${Math.round(waitedMs / 1000)} s, and a ` +
        `liveness probe got no answer within ${PROBE_TIMEOUT_MS / 1000} s`,
    );
    this.name = 'UpstreamUnresponsiveError';
  }
}

interface Watched {
  startedAt: number;
  cancel: (reason: Error) => void;
}

interface Watch {
  deployment: RoutedDeployment;
  attempts: Set<Watched>;
  /** Epoch ms of the last answer (any status) from this upstream. */
  lastAnswerAt: number;
  probing: boolean;
  lastProbeAt: number;
}

/**
 * Finds upstreams that accept connections and then never answer, without cutting long but live answers
 * (a reasoning model may think for minutes before a non-stream answer).
 *
 * Attempts register while they wait for an answer. When the oldest has waited `UPSTREAM_PROBE_AFTER_MS` and
 * the upstream answered nothing since it started, the watchdog sends a free liveness probe (a GET that any
 * live server answers, whatever the status). No answer within 5 s: the upstream is unresponsive and every
 * attempt waiting on it is cancelled, so the router cools the deployment down and fails those requests over.
 * An answer: the upstream is alive and merely slow; its attempts keep waiting (probed again every 30 s).
 */
@Injectable()
export class UpstreamWatchdog implements OnApplicationShutdown {
  private readonly logger = new Logger('UpstreamWatchdog');
  private readonly watches = new Map<string, Watch>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly upstream: UpstreamClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.timer = setInterval(() => this.check(Date.now()), CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** Watches one attempt until the returned function is called (with `answered` when the upstream replied). */
  watch(deployment: RoutedDeployment, cancel: (reason: Error) => void): (answered: boolean) => void {
    let w = this.watches.get(deployment.id);
    if (!w) {
      w = { deployment, attempts: new Set(), lastAnswerAt: 0, probing: false, lastProbeAt: 0 };
      this.watches.set(deployment.id, w);
    }
    w.deployment = deployment;
    const watched: Watched = { startedAt: Date.now(), cancel };
    w.attempts.add(watched);
    const watch = w;
    return (answered) => {
      watch.attempts.delete(watched);
      if (answered) watch.lastAnswerAt = Date.now();
    };
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private check(now: number): void {
    for (const [id, w] of this.watches) {
      if (w.attempts.size === 0) {
        if (!w.probing && now - Math.max(w.lastAnswerAt, w.lastProbeAt) > REPROBE_MS) this.watches.delete(id);
        continue;
      }
      if (w.probing || now - w.lastProbeAt < REPROBE_MS) continue;
      let oldest = Infinity;
      for (const a of w.attempts) oldest = Math.min(oldest, a.startedAt);
      if (now - oldest < this.config.upstreamProbeAfterMs || w.lastAnswerAt > oldest) continue;
      void this.probe(w, now);
    }
  }

  private async probe(w: Watch, now: number): Promise<void> {
    const request = livenessProbe(w.deployment);
    if (!request) return;
    w.probing = true;
    w.lastProbeAt = now;
    try {
      await this.upstream.sendBuffered(request, { timeoutMs: PROBE_TIMEOUT_MS, maxBytes: 256 * 1024 });
      w.lastAnswerAt = Date.now();
    } catch {
      const stuck = [...w.attempts];
      this.logger.warn(
        `${w.deployment.name} is unresponsive: a liveness probe got no answer; failing over ${stuck.length} waiting request(s)`,
      );
      for (const a of stuck) {
        w.attempts.delete(a);
        a.cancel(new UpstreamUnresponsiveError(w.deployment.name, Date.now() - a.startedAt));
      }
    } finally {
      w.probing = false;
    }
  }
}

/** A free request any live server answers: the provider's health check when it is a GET, else GET on its base. */
function livenessProbe(d: RoutedDeployment): UpstreamRequest | null {
  if (!isProviderName(d.provider)) return null;
  const target = { apiBase: d.apiBase, apiKey: d.apiKey, apiVersion: d.apiVersion, model: d.model };
  const check = getProvider(d.provider).buildHealthCheck(target);
  if (check.method === 'GET') return check;
  return { method: 'GET', url: new URL('/', check.url).toString(), headers: {}, body: undefined };
}
