import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Readiness } from '../common/readiness';
import { readMigrations } from '../database/migration-runner';
import { HealthRepository } from './health.repository';

export interface CheckResult {
  status: 'ok' | 'error';
  detail?: string;
}

export interface ReadinessReport {
  status: 'ok' | 'error';
  checks: Record<string, CheckResult>;
}

@Injectable()
export class HealthService implements OnModuleInit {
  private expectedMigrations: string[] = [];

  constructor(
    private readonly repo: HealthRepository,
    private readonly readiness: Readiness,
  ) {}

  async onModuleInit(): Promise<void> {
    this.expectedMigrations = (await readMigrations()).migrationDirectories.map((d) => d.path);
  }

  async readinessReport(): Promise<ReadinessReport> {
    const checks: Record<string, CheckResult> = {};
    try {
      await this.repo.ping();
      checks.database = { status: 'ok' };
      const applied = new Set(await this.repo.appliedMigrationNames());
      const pending = this.expectedMigrations.filter((m) => !applied.has(m));
      checks.migrations = pending.length
        ? { status: 'error', detail: `pending: ${pending.join(', ')}` }
        : { status: 'ok' };
    } catch (err) {
      checks.database = {
        status: 'error',
        detail: err instanceof Error ? err.message.split('\n')[0] : 'unreachable',
      };
      checks.migrations = { status: 'error', detail: 'database unreachable' };
    }
    for (const [name, part] of Object.entries(this.readiness.snapshot())) {
      checks[name] = part.ready ? { status: 'ok' } : { status: 'error', detail: part.detail };
    }
    const ok = Object.values(checks).every((c) => c.status === 'ok');
    return { status: ok ? 'ok' : 'error', checks };
  }
}
