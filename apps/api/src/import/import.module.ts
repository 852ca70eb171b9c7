import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LiteLLMImportController } from './litellm-import.controller';
import { LiteLLMImportRepository } from './litellm-import.repository';
import { LiteLLMImportService } from './litellm-import.service';
import { YamlBodyParser } from './yaml-body.parser';
import { DeploymentModule } from '../deployments/deployment.module';
import { ModelGroupModule } from '../model-groups/model-group.module';

/** LiteLLM proxy config import/export; it writes through DeploymentService and ModelGroupService. */
@Module({
  imports: [AuditModule, DeploymentModule, ModelGroupModule],
  controllers: [LiteLLMImportController],
  providers: [LiteLLMImportService, LiteLLMImportRepository, YamlBodyParser],
  exports: [LiteLLMImportService],
})
export class ImportModule {}
