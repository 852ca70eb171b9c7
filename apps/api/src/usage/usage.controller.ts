import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import {
  type AttemptStatsQuery,
  attemptStatsQuerySchema,
  type DistributionQuery,
  distributionQuerySchema,
  type EndUserQuery,
  endUserQuerySchema,
  type LogExportQuery,
  logExportQuerySchema,
  type LogListQuery,
  logListQuerySchema,
} from '@switchboard/contracts';
import type { ProjectScope } from '../auth/caller';
import { CallerScope } from '../auth/project-scope.decorator';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { RequestLogsService } from './request-logs.service';
import { UsageStatsService } from './usage-stats.service';
import { type UsageSummaryQuery, usageSummaryQuerySchema } from '@switchboard/contracts';

/** Request logs for the console, narrowed to the caller's projects. */
@Controller('api/logs')
export class RequestLogsController {
  constructor(private readonly logs: RequestLogsService) {}

  @Get()
  list(
    @Query(new ZodValidationPipe(logListQuerySchema)) query: LogListQuery,
    @CallerScope() scope: ProjectScope,
  ) {
    return this.logs.list(query, scope);
  }

  /** The filtered range as a download (CSV or JSON lines), streamed page by page. */
  @Get('export')
  export(
    @Query(new ZodValidationPipe(logExportQuerySchema)) query: LogExportQuery,
    @CallerScope() scope: ProjectScope,
  ): StreamableFile {
    const csv = query.format === 'csv';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return new StreamableFile(Readable.from(this.logs.export(query, scope)), {
      type: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="switchboard-logs-${stamp}.${csv ? 'csv' : 'jsonl'}"`,
    });
  }

  @Get(':id')
  get(@Param('id') id: string, @CallerScope() scope: ProjectScope) {
    return this.logs.get(id, scope);
  }
}

/** Usage charts and headline numbers for the console, from the rollups, narrowed to the caller's projects. */
@Controller('api/stats')
export class UsageStatsController {
  constructor(private readonly stats: UsageStatsService) {}

  @Get('distribution')
  distribution(
    @Query(new ZodValidationPipe(distributionQuerySchema)) query: DistributionQuery,
    @CallerScope() scope: ProjectScope,
  ) {
    return this.stats.distribution(query, scope);
  }

  /** Attempts per deployment, failed ones by kind (deployments are shared: config:read). */
  @Get('attempts')
  attempts(@Query(new ZodValidationPipe(attemptStatsQuerySchema)) query: AttemptStatsQuery) {
    return this.stats.attemptStats(query);
  }

  /** Top end users (the requests' `user` field) by requests or spend, counted per hour. */
  @Get('end-users')
  endUsers(
    @Query(new ZodValidationPipe(endUserQuerySchema)) query: EndUserQuery,
    @CallerScope() scope: ProjectScope,
  ) {
    return this.stats.endUsers(query, scope);
  }

  @Get('summary')
  summary(
    @Query(new ZodValidationPipe(usageSummaryQuerySchema)) query: UsageSummaryQuery,
    @CallerScope() scope: ProjectScope,
  ) {
    return this.stats.summary(query, scope);
  }
}
