import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ModelGroupController } from './model-group.controller';
import { ModelGroupRepository } from './model-group.repository';
import { ModelGroupService } from './model-group.service';
import { RoutingModule } from '../routing/routing.module';

@Module({
  imports: [AuditModule, RoutingModule],
  controllers: [ModelGroupController],
  providers: [ModelGroupService, ModelGroupRepository],
  // Deployments create a missing group inside their own transaction.
  exports: [ModelGroupRepository, ModelGroupService],
})
export class ModelGroupModule {}
