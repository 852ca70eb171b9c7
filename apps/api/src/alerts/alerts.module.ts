import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RoutingModule } from '../routing/routing.module';
import { AlertEvaluator } from './alert-evaluator.service';
import { AlertSender } from './alert-sender';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** Alert channels and rules (admin API), the background evaluator and the webhook sender. */
@Module({
  imports: [AuditModule, RoutingModule],
  controllers: [AlertsController],
  providers: [AlertsService, AlertsRepository, AlertSender, AlertEvaluator],
})
export class AlertsModule {}
