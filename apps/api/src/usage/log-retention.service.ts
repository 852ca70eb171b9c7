import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AttemptStatsRepository } from './attempt-stats.repository';
import { RefusalRepository } from './refusal.repository';
import { RequestBodyRepository } from './request-body.repository';
import { RequestLogRepository } from './request-log.repository';

export type RetentionStore = Pick<RequestLogRepository, 'deleteCreatedBefore' | 'deleteBatchMarkersBefore'>;

const DAY_MS = 86_400_000;
/** Batch ids only guard retries that happen within seconds; a day is plenty. */
const BATCH_MARKER_TTL_MS = DAY_MS;

/**
 * Deletes raw request logs older than `retentionDays` in chunks (short statements, so the writer is never
 * blocked for long), never touching the usage rollups. Returns how many rows it deleted.
 */
export async function pruneRequestLogs(
  store: RetentionStore,
  options: { retentionDays: number; now?: Date; chunkSize?: number },
): Promise<number> {
  const now = options.now ?? new Date();
  const chunkSize = options.chunkSize ?? 10_000;
  await store.deleteBatchMarkersBefore(new Date(now.getTime() - BATCH_MARKER_TTL_MS));
  if (options.retentionDays <= 0) return 0;
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS);
  let deleted = 0;
  for (;;) {
    const n = await store.deleteCreatedBefore(cutoff, chunkSize);
    deleted += n;
    if (n < chunkSize) return deleted;
  }
}

/**
 * Deletes stored request bodies older than their project's bodyRetentionDays (never longer than the raw
 * log's retention), in chunks like the logs. Turning storeBodies off keeps the bodies until then.
 */
export async function pruneRequestBodies(
  store: Pick<RequestBodyRepository, 'deleteExpired'>,
  options: { logRetentionDays: number; now?: Date; chunkSize?: number },
): Promise<number> {
  const now = options.now ?? new Date();
  const chunkSize = options.chunkSize ?? 1_000;
  let deleted = 0;
  for (;;) {
    const n = await store.deleteExpired(now, Math.max(0, options.logRetentionDays), chunkSize);
    deleted += n;
    if (n < chunkSize) return deleted;
  }
}

const RUN_EVERY_MS = 3_600_000;
const FIRST_RUN_AFTER_MS = 60_000;

/** Runs pruneRequestLogs a minute after start and then hourly. */
@Injectable()
export class LogRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LogRetention');
  private readonly retentionDays: number;
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly repo: RequestLogRepository,
    private readonly refusals: RefusalRepository,
    private readonly attempts: AttemptStatsRepository,
    private readonly bodies: RequestBodyRepository,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'logRetentionDays'>,
  ) {
    this.retentionDays = config.logRetentionDays;
  }

  onApplicationBootstrap(): void {
    const first = setTimeout(() => void this.run(), FIRST_RUN_AFTER_MS);
    const every = setInterval(() => void this.run(), RUN_EVERY_MS);
    first.unref();
    every.unref();
    this.timers = [first, every];
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.running;
  }

  run(): Promise<void> {
    this.running ??= pruneRequestLogs(this.repo, { retentionDays: this.retentionDays })
      .then(async (deleted) => {
        // Refusal and attempt counts follow the raw log's retention.
        if (this.retentionDays > 0) {
          const cutoff = new Date(Date.now() - this.retentionDays * DAY_MS);
          await this.refusals.deleteBefore(cutoff);
          await this.attempts.deleteBefore(cutoff);
        }
        if (deleted > 0)
          this.logger.log(`deleted ${deleted} request logs older than ${this.retentionDays} days`);
        const bodies = await pruneRequestBodies(this.bodies, { logRetentionDays: this.retentionDays });
        if (bodies > 0) this.logger.log(`deleted ${bodies} stored request bodies past their retention`);
      })
      .catch((err: unknown) => {
        this.logger.warn(`request-log retention failed: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
