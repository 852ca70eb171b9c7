import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type AlertChannel,
  type AlertRule,
  type AlertTestResult,
  alertEventListQuerySchema,
  createAlertChannelSchema,
  createAlertRuleSchema,
  updateAlertChannelSchema,
  updateAlertRuleSchema,
} from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  type AlertChannelList,
  type AlertEventListQuery,
  type AlertEventPage,
  type AlertRuleList,
  AlertsService,
  type CreateAlertChannelInput,
  type CreateAlertRuleInput,
  type UpdateAlertChannelInput,
  type UpdateAlertRuleInput,
} from './alerts.service';

@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('channels')
  listChannels(): Promise<AlertChannelList> {
    return this.alerts.listChannels();
  }

  @Post('channels')
  createChannel(
    @Body(new ZodValidationPipe(createAlertChannelSchema)) body: CreateAlertChannelInput,
    @Actor() actor: string,
  ): Promise<AlertChannel> {
    return this.alerts.createChannel(body, actor);
  }

  @Patch('channels/:id')
  updateChannel(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateAlertChannelSchema)) body: UpdateAlertChannelInput,
    @Actor() actor: string,
  ): Promise<AlertChannel> {
    return this.alerts.updateChannel(id, body, actor);
  }

  @Delete('channels/:id')
  @HttpCode(204)
  deleteChannel(@Param('id') id: string, @Actor() actor: string): Promise<void> {
    return this.alerts.deleteChannel(id, actor);
  }

  /** Always 200 for a channel that exists: the result says whether the receiver took it. */
  @Post('channels/:id/test')
  @HttpCode(200)
  testChannel(@Param('id') id: string): Promise<AlertTestResult> {
    return this.alerts.testChannel(id);
  }

  @Get('rules')
  listRules(): Promise<AlertRuleList> {
    return this.alerts.listRules();
  }

  @Post('rules')
  createRule(
    @Body(new ZodValidationPipe(createAlertRuleSchema)) body: CreateAlertRuleInput,
    @Actor() actor: string,
  ): Promise<AlertRule> {
    return this.alerts.createRule(body, actor);
  }

  @Patch('rules/:id')
  updateRule(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateAlertRuleSchema)) body: UpdateAlertRuleInput,
    @Actor() actor: string,
  ): Promise<AlertRule> {
    return this.alerts.updateRule(id, body, actor);
  }

  @Delete('rules/:id')
  @HttpCode(204)
  deleteRule(@Param('id') id: string, @Actor() actor: string): Promise<void> {
    return this.alerts.deleteRule(id, actor);
  }

  @Get('events')
  listEvents(
    @Query(new ZodValidationPipe(alertEventListQuerySchema)) query: AlertEventListQuery,
  ): Promise<AlertEventPage> {
    return this.alerts.listEvents(query);
  }
}
