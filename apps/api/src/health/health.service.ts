import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Readiness } from '../common/readiness';
import { readMigrations } from '../database/migration-runner';
import { MetricsService } from '../metrics/metrics.service';
import { SHARED_REDIS } from '../redis/redis.module';
import type { SharedRedis } from '../redis/shared-redis';
import { HealthRepository } from './health.repository';

export interface CheckResult {
  status: 'ok' | 'error';
  detail?: string;
}

export interface ReadinessReport {
  status: 'ok' | 'error';
  checks: Record<string, CheckResult>;
}

export interface HealthReport {
  /** `degraded`: still serving (router loaded) while a dependency such as the database is failing. */
  status: 'ok' | 'degraded' | 'error';
  liveliness: { status: 'ok' };
  readiness: ReadinessReport;
  /** Every check: readiness parts plus the database and its migrations. */
  checks: Record<string, CheckResult>;
}

/** A hung connection attempt must not hold a health probe or a scrape for the pool's own timeout. */
const DATABASE_CHECK_TIMEOUT_MS = 2_000;

function firstLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : 'unreachable';
}

@Injectable()
export class HealthService implements OnModuleInit {
  private expectedMigrations: string[] = [];

  constructor(
    private readonly repo: HealthRepository,
    private readonly readiness: Readiness,
    private readonly metrics: MetricsService,
    @Inject(SHARED_REDIS) private readonly redis: SharedRedis | null,
  ) {}

  async onModuleInit(): Promise<void> {
    this.expectedMigrations = (await readMigrations()).migrationDirectories.map((d) => d.path);
    this.metrics.watchDatabase(async () => (await this.databaseChecks()).database.status === 'ok');
    const redis = this.redis;
    if (redis) this.metrics.watchRedis(() => redis.usable);
  }

  /**
   * Readiness means "can serve traffic": the router and keys are loaded in memory. The data plane keeps
   * serving through a database outage, so the database is not part of it (a 503 here would take every
   * replica out of service at once); it is reported by /health and `switchboard_database_up`.
   */
  readinessReport(): ReadinessReport {
    const checks: Record<string, CheckResult> = {};
    for (const [name, part] of Object.entries(this.readiness.snapshot())) {
      checks[name] = part.ready ? { status: 'ok' } : { status: 'error', detail: part.detail };
    }
    const ok = Object.values(checks).every((c) => c.status === 'ok');
    return { status: ok ? 'ok' : 'error', checks };
  }

  async healthReport(): Promise<HealthReport> {
    const readiness = this.readinessReport();
    const checks: Record<string, CheckResult> = { ...(await this.databaseChecks()), ...readiness.checks };
    // Redis away is "degraded", never "not ready": limits fall back to each instance's fair share.
    if (this.redis)
      checks.redis = this.redis.usable
        ? { status: 'ok' }
        : {
            status: 'error',
            detail: `unreachable: limits are per instance (a 1/${this.redis.instances} share each) until it is back`,
          };
    const allOk = Object.values(checks).every((c) => c.status === 'ok');
    const status = readiness.status !== 'ok' ? 'error' : allOk ? 'ok' : 'degraded';
    return { status, liveliness: { status: 'ok' }, readiness, checks };
  }

  private async databaseChecks(): Promise<{ database: CheckResult; migrations: CheckResult }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${DATABASE_CHECK_TIMEOUT_MS} ms`)),
        DATABASE_CHECK_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([this.queryDatabase(), timeout]);
    } catch (err) {
      return {
        database: { status: 'error', detail: firstLine(err) },
        migrations: { status: 'error', detail: 'database unreachable' },
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private async queryDatabase(): Promise<{ database: CheckResult; migrations: CheckResult }> {
    await this.repo.ping();
    const applied = new Set(await this.repo.appliedMigrationNames());
    const pending = this.expectedMigrations.filter((m) => !applied.has(m));
    return {
      database: { status: 'ok' },
      migrations: pending.length
        ? { status: 'error', detail: `pending: ${pending.join(', ')}` }
        : { status: 'ok' },
    };
  }
}
