import { Module } from '@nestjs/common';
import path from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { REFUSAL_SINK, REQUEST_LOG_SINK } from './request-log-entry';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { LogRetentionService } from './log-retention.service';
import { RefusalCounter } from './refusal-counter';
import { AttemptStatsRepository } from './attempt-stats.repository';
import { RefusalRepository } from './refusal.repository';
import { RequestBodyRepository } from './request-body.repository';
import { RequestLogRepository } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';
import { RequestLogsService } from './request-logs.service';
import { RequestLogsController, UsageStatsController } from './usage.controller';
import { UsageStatsRepository } from './usage-stats.repository';
import { UsageStatsService } from './usage-stats.service';

/**
 * Where requests end up: the batched request-log writer (the gateway's REQUEST_LOG_SINK), usage rollups,
 * log retention, and the admin endpoints that read them.
 */
@Module({
  imports: [MetricsModule],
  controllers: [RequestLogsController, UsageStatsController],
  providers: [
    RequestLogRepository,
    RequestBodyRepository,
    UsageStatsRepository,
    RequestLogsService,
    UsageStatsService,
    LogRetentionService,
    {
      provide: RequestLogWriter,
      inject: [APP_CONFIG, RequestLogRepository, MetricsService],
      useFactory: (config: AppConfig, repo: RequestLogRepository, metrics: MetricsService) => {
        const writer = new RequestLogWriter(repo, {
          flushIntervalMs: config.logFlushIntervalMs,
          batchSize: config.logBatchSize,
          queueMax: config.logQueueMax,
          // Shutdown gives the final flush 3 s, so the process still exits within SHUTDOWN_GRACE_MS + 5 s
          // when the database is away (the rows then go to the dead-letter file).
          shutdownTimeoutMs: 3_000,
          deadLetterDir: path.join(config.dataDir, 'dead-letter'),
          onClosed: () => repo.release(),
        });
        metrics.watchLogWriter(() => writer.stats());
        return writer;
      },
    },
    { provide: REQUEST_LOG_SINK, useExisting: RequestLogWriter },
    RefusalRepository,
    AttemptStatsRepository,
    RefusalCounter,
    { provide: REFUSAL_SINK, useExisting: RefusalCounter },
  ],
  exports: [REQUEST_LOG_SINK, RequestLogWriter, REFUSAL_SINK, RefusalCounter],
})
export class UsageModule {}
