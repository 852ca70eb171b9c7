import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  type DistributionQuery,
  distributionQuerySchema,
  type LogListQuery,
  logListQuerySchema,
} from '@switchboard/contracts';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { RequestLogsService } from './request-logs.service';
import { UsageStatsService } from './usage-stats.service';
import { type UsageSummaryQuery, usageSummaryQuerySchema } from '@switchboard/contracts';

/** Request logs for the console (master key). */
@Controller('api/logs')
export class RequestLogsController {
  constructor(private readonly logs: RequestLogsService) {}

  @Get()
  list(@Query(new ZodValidationPipe(logListQuerySchema)) query: LogListQuery) {
    return this.logs.list(query);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.logs.get(id);
  }
}

/** Usage charts and headline numbers for the console (master key), from the rollups. */
@Controller('api/stats')
export class UsageStatsController {
  constructor(private readonly stats: UsageStatsService) {}

  @Get('distribution')
  distribution(@Query(new ZodValidationPipe(distributionQuerySchema)) query: DistributionQuery) {
    return this.stats.distribution(query);
  }

  @Get('summary')
  summary(@Query(new ZodValidationPipe(usageSummaryQuerySchema)) query: UsageSummaryQuery) {
    return this.stats.summary(query);
  }
}
