import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LiteLLMImportController } from './litellm-import.controller';
import { LiteLLMImportRepository } from './litellm-import.repository';
import { LiteLLMImportService } from './litellm-import.service';
import { YamlBodyParser } from './yaml-body.parser';

/**
 * LiteLLM proxy config import/export. It writes through DeploymentService and ModelGroupService, which
 * their modules do not export yet; the service resolves the app's single instances through ModuleRef.
 */
@Module({
  imports: [AuditModule],
  controllers: [LiteLLMImportController],
  providers: [LiteLLMImportService, LiteLLMImportRepository, YamlBodyParser],
  exports: [LiteLLMImportService],
})
export class ImportModule {}
