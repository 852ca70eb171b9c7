import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { DeploymentStateStore } from '../routing/deployment-state';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import { DEPLOYMENT_STATE } from '../routing/routing.module';
import type { RoutedDeployment } from '../routing/routing.types';
import { isProbeDue, type ProbePlan, probeFloorSeconds, probePlan } from './health-probe.plan';
import { probeUpstream } from './upstream-probe';

/** How often the scheduler looks for deployments due a probe. */
const TICK_MS = 1_000;
/** A probe not answered within this fails as a timeout. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Background health checks: each deployment with an interval is probed (by default with its provider's
 * free check, `GET /models`) without traffic, and a deployment benched for failures or a rejected key is
 * probed half-open every few seconds so it returns to rotation as soon as its upstream answers. Results go
 * into the live state like a connection test's. Deployments come from the live registry (keys already
 * decrypted, no database round trip). With Redis, one instance probes each deployment per interval.
 */
@Injectable()
export class HealthProbeService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthProbes');
  private readonly floorSeconds: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly stopping = new AbortController();
  /** When this instance last probed (or found another instance probing) each deployment. */
  private readonly lastAt = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: RouterRegistry,
    private readonly router: Router,
    @Inject(DEPLOYMENT_STATE) private readonly state: DeploymentStateStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.floorSeconds = probeFloorSeconds(config);
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Stops the scheduler and aborts probes in flight; nothing is recorded after this. */
  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled(this.running.values());
  }

  /** When this instance last took its turn at probing the deployment (tests). */
  lastTurnAt(id: string): number | undefined {
    return this.lastAt.get(id);
  }

  /** Starts the probes that are due (each tick; tests may call it directly). */
  tick(): void {
    if (this.stopping.signal.aborted) return;
    const now = this.clock.now();
    const deployments = this.registry.current().deployments;
    for (const id of this.lastAt.keys()) if (!deployments.has(id)) this.lastAt.delete(id);
    for (const d of deployments.values()) {
      if (this.running.has(d.id)) continue;
      const health = this.router.deploymentState(d.id);
      const plan = probePlan({ ...d, benchedFor: health?.cooldownReason ?? null }, this.floorSeconds);
      if (!plan || !isProbeDue(plan, this.lastAt.get(d.id), now)) continue;
      this.lastAt.set(d.id, now);
      const run = this.probe(d, plan)
        .catch((error: unknown) => this.logger.warn(`probe of '${d.name}' failed: ${String(error)}`))
        .finally(() => this.running.delete(d.id));
      this.running.set(d.id, run);
    }
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.tick();
      this.schedule();
    }, TICK_MS);
    this.timer.unref();
  }

  private async probe(d: RoutedDeployment, plan: ProbePlan): Promise<void> {
    // Another instance probes it this interval (the lock ends a little early so the next one is not missed).
    const holdMs = plan.everyMs - Math.min(TICK_MS / 2, plan.everyMs / 10);
    if (!(await this.state.claimProbe(d.id, holdMs))) return;
    if (this.stopping.signal.aborted) return;
    const outcome = await probeUpstream(
      d.provider,
      { apiBase: d.apiBase, apiKey: d.apiKey, apiVersion: d.apiVersion, model: d.model },
      { mode: plan.mode, timeoutMs: PROBE_TIMEOUT_MS, signal: this.stopping.signal },
    );
    if (this.stopping.signal.aborted) return;
    this.metrics.probeFinished(
      d.name,
      outcome.result.ok ? 'success' : (outcome.error?.kind ?? 'misconfigured'),
    );
    if (outcome.sent) this.router.recordProbe(d.id, outcome.error, outcome.result);
  }
}
