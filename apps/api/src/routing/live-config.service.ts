import { LiveReload } from '../database/live-reload';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Readiness } from '../common/readiness';
import { UnitOfWork } from '../database/unit-of-work';
import { SecretBox } from '../common/crypto';
import { ChangeNotifier } from '../database/change-notifier';
import { RouterRegistry } from './router-registry';
import { RoutingConfigRepository } from './routing-config.repository';
import {
  type ModelGroupPolicy,
  normaliseStrategy,
  type RoutedDeployment,
  type RouterSnapshot,
} from './routing.types';
import { coalesce } from '../common/coalesce';
import { effectiveCapabilities } from '../providers/provider-registry';
import { Router } from './router';

/** Safety net in case a notification is lost: reload this often anyway. */
const PERIODIC_RELOAD_MS = 30_000;

/**
 * Keeps the in-memory router registry equal to the database: loads it at start, reloads at once
 * after a change on this instance, and within a second after a change on another instance
 * (LISTEN/NOTIFY). Requests in flight keep the registry generation they started with.
 */
@Injectable()
export class LiveConfigService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LiveConfig');
  private readonly live: LiveReload;
  /** Each deployment's `updatedAt` at the last load. */
  private updatedAt = new Map<string, number>();

  constructor(
    private readonly box: SecretBox,
    private readonly repo: RoutingConfigRepository,
    private readonly registry: RouterRegistry,
    private readonly router: Router,
    private readonly notifier: ChangeNotifier,
    private readonly readiness: Readiness,
    private readonly unitOfWork: UnitOfWork,
  ) {
    this.live = new LiveReload(notifier, 'routing', () => this.reload(), PERIODIC_RELOAD_MS);
    readiness.declare('router');
  }

  onModuleInit(): Promise<void> {
    return this.live.start();
  }

  onApplicationShutdown(): void {
    this.live.stop();
  }

  /**
   * Call after writing a routing change: reloads here, then tells the other instances. Inside a unit of
   * work this happens once, after it commits (a reload before the commit would not see the change).
   */
  changed(): Promise<void> {
    if (this.unitOfWork.afterCommit('routing-config', () => this.live.changed())) return Promise.resolve();
    return this.live.changed();
  }

  /** Loads from the database; concurrent calls share one run plus at most one queued pass. */
  readonly reload = coalesce(() => this.loadOnce());

  private async loadOnce(): Promise<void> {
    try {
      const { groups, deployments } = await this.repo.loadAll();
      const snapshot: RouterSnapshot = {
        groups: groups.map((g): ModelGroupPolicy => ({
          name: g.name,
          strategy: normaliseStrategy(g.strategy) ?? 'weighted-shuffle',
          numRetries: g.numRetries,
          fallbacks: g.fallbacks,
          allowedFails: g.allowedFails,
          cooldownSeconds: g.cooldownSeconds,
          maxCooldownSeconds: g.maxCooldownSeconds,
          timeoutMs: g.timeoutMs,
          streamIdleTimeoutMs: g.streamIdleTimeoutMs,
        })),
        deployments: deployments.map((d): RoutedDeployment => ({
          id: d.id,
          name: d.name,
          modelGroup: d.modelGroup.name,
          provider: d.provider,
          model: d.model,
          apiBase: d.apiBase,
          apiKey: this.decryptKey(d.name, d.apiKeyEncrypted),
          apiVersion: d.apiVersion,
          weight: d.weight,
          priority: d.priority,
          rpmLimit: d.rpmLimit,
          tpmLimit: d.tpmLimit,
          timeoutMs: d.timeoutMs,
          enabled: d.enabled,
          tags: d.tags,
          capabilities: effectiveCapabilities(d.provider, d.capabilities),
          probeIntervalSeconds: d.probeIntervalSeconds,
          probeMode: d.probeMode === 'chat' ? 'chat' : 'models',
        })),
      };
      this.registry.replace(snapshot);
      // An edited (or re-enabled, or reset) deployment is back in rotation on every instance.
      const seen = new Map<string, number>();
      for (const d of deployments) {
        const at = d.updatedAt.getTime();
        const before = this.updatedAt.get(d.id);
        if (before !== undefined && before !== at) this.router.clearCooldown(d.id);
        seen.set(d.id, at);
      }
      this.updatedAt = seen;
      this.readiness.set('router', true);
    } catch (err) {
      // Keep serving the last good registry.
      this.logger.error(`reload failed: ${err instanceof Error ? err.message : String(err)}`);
      if (this.registry.version === 0) this.readiness.set('router', false, 'not loaded yet');
    }
  }

  private decryptKey(name: string, stored: string | null): string | null {
    if (!stored) return null;
    try {
      return this.box.decrypt(stored);
    } catch {
      // Wrong ENCRYPTION_KEY: the deployment stays listed but its upstream will answer 401.
      this.logger.error(`cannot decrypt the API key of deployment '${name}': was ENCRYPTION_KEY changed?`);
      return null;
    }
  }
}
