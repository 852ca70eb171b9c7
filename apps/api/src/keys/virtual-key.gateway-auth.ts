import { LiveReload } from '../database/live-reload';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Readiness } from '../common/readiness';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ChangeNotifier } from '../database/change-notifier';
import type { Admission, GatewayAuth, Principal } from '../gateway/gateway-auth';
import type { Clock } from '../common/clock';
import { isBudgetPeriod, nextBudgetReset } from './budget-period';
import { KEY_CLOCK, KEY_COUNTERS } from './key-clock';
import type { KeyCounters } from './key-counters';
import { type GatewayKeyRecord, KeyRegistry } from './key-registry';
import { type GatewayKeyRow, VirtualKeyRepository } from './virtual-key.repository';
import { coalesce } from '../common/coalesce';
import { EndUserSpendSeeder } from './end-user-spend-seeder';

/**
 * Reload this often even without a change notification: spend is written by the request-log writer
 * straight into the database, and other instances' spend only reaches this one through a reload.
 */
export const KEY_RELOAD_INTERVAL_MS = 5_000;
/** How often due budget periods are reset in the database. */
export const BUDGET_RESET_INTERVAL_MS = 60_000;
/** Slack on top of the log writer's flush interval before local spend is assumed to be in the database. */
const SPEND_SETTLE_SLACK_MS = 1_000;

/**
 * The data plane's GatewayAuth: a KeyRegistry kept equal to the database. Loads at start, reloads after
 * a change here (awaited, so a key works as soon as its POST returns), within a moment of a change on
 * another instance (LISTEN/NOTIFY), and every few seconds to pick up spend. Resets due budgets every minute.
 */
@Injectable()
export class VirtualKeyGatewayAuth implements GatewayAuth, OnModuleInit, OnApplicationShutdown {
  readonly registry: KeyRegistry;
  /** Reads an end user's spend today from the database when the counters do not know it. */
  readonly endUserSeeder: EndUserSpendSeeder;
  private readonly logger = new Logger('VirtualKeys');
  private loaded = false;
  private readonly live: LiveReload;
  private budgetTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: VirtualKeyRepository,
    private readonly notifier: ChangeNotifier,
    private readonly readiness: Readiness,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(KEY_CLOCK) private readonly clock: Clock,
    @Inject(KEY_COUNTERS) counters: KeyCounters,
  ) {
    this.endUserSeeder = new EndUserSpendSeeder(repo, counters, clock, (err) =>
      this.logger.error(`reading end users' spend today failed: ${describe(err)}`),
    );
    this.registry = new KeyRegistry({
      masterKey: config.masterKey,
      clock,
      counters,
      spendSettleMs: config.logFlushIntervalMs + SPEND_SETTLE_SLACK_MS,
      seedEndUser: (keyId, endUser) => this.endUserSeeder.request(keyId, endUser),
    });
    this.live = new LiveReload(notifier, 'keys', () => this.reload(), KEY_RELOAD_INTERVAL_MS);
    readiness.declare('keys');
  }

  async onModuleInit(): Promise<void> {
    await this.resetDueBudgets().catch((err: unknown) =>
      this.logger.error(`budget reset failed: ${describe(err)}`),
    );
    await this.live.start();
    this.budgetTimer = setInterval(() => {
      this.resetDueBudgets().catch((err: unknown) =>
        this.logger.error(`budget reset failed: ${describe(err)}`),
      );
    }, BUDGET_RESET_INTERVAL_MS);
    this.budgetTimer.unref();
  }

  onApplicationShutdown(): void {
    this.live.stop();
    this.endUserSeeder.stop();
    if (this.budgetTimer) clearInterval(this.budgetTimer);
  }

  authenticate(token: string | null): Principal {
    return this.registry.authenticate(token);
  }

  canUseModel(principal: Principal, modelGroup: string): boolean {
    return this.registry.canUseModel(principal, modelGroup);
  }

  admit(
    principal: Principal,
    modelGroup: string,
    estimatedTokens: number,
    user?: unknown,
  ): Admission | Promise<Admission> {
    return this.registry.admit(principal, modelGroup, estimatedTokens, user);
  }

  /** Call after writing a key change: reloads here, then tells the other instances. */
  changed(): Promise<void> {
    return this.live.changed();
  }

  /** Starts a new period for keys whose reset time has come; reloads everywhere when any was due. */
  async resetDueBudgets(): Promise<number> {
    const now = this.clock.now();
    const count = await this.repo.resetDueBudgets(new Date(now), (period) => nextBudgetReset(period, now)!);
    if (count > 0 && this.loaded) await this.changed();
    return count;
  }

  /** Loads from the database; concurrent calls share one run plus at most one queued pass. */
  readonly reload = coalesce(() => this.loadOnce());

  private async loadOnce(): Promise<void> {
    const startedAt = this.clock.now();
    try {
      const rows = await this.repo.findAllForGateway();
      this.registry.replace(rows.map(toRecord), startedAt);
      this.loaded = true;
      this.readiness.set('keys', true);
    } catch (err) {
      // Keep serving the last good load.
      this.logger.error(`reload failed: ${describe(err)}`);
      if (!this.loaded) this.readiness.set('keys', false, 'not loaded yet');
    }
  }
}

function toRecord(row: GatewayKeyRow): GatewayKeyRecord {
  return { ...row, budgetPeriod: isBudgetPeriod(row.budgetPeriod) ? row.budgetPeriod : null };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
