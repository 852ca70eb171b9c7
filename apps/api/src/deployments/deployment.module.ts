import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ModelGroupModule } from '../model-groups/model-group.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ConnectionTestService } from './connection-test.service';
import { DeploymentController } from './deployment.controller';
import { DeploymentRepository } from './deployment.repository';
import { DeploymentService } from './deployment.service';
import { HealthProbeService } from './health-probe.service';
import { GroupRoutingController } from './group-routing.controller';
import { GroupRoutingService } from './group-routing.service';
import { RoutingModule } from '../routing/routing.module';

/** Deployments, plus (through its imports) the model-group and audit APIs they write to. */
@Module({
  imports: [AuditModule, ModelGroupModule, RoutingModule, MetricsModule],
  controllers: [DeploymentController, GroupRoutingController],
  providers: [
    DeploymentService,
    DeploymentRepository,
    ConnectionTestService,
    GroupRoutingService,
    HealthProbeService,
  ],
  exports: [DeploymentService],
})
export class DeploymentModule {}
