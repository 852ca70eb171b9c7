import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProjectController } from './project.controller';
import { ProjectRepository } from './project.repository';
import { ProjectService } from './project.service';
import { KeysModule } from '../keys/keys.module';

/** Projects: the consumers of the gateway (e.g. one Dify app), each owning virtual keys. */
@Module({
  // Deleting a project drops its revoked keys from the data plane's memory.
  imports: [AuditModule, KeysModule],
  controllers: [ProjectController],
  providers: [ProjectService, ProjectRepository],
  exports: [ProjectService],
})
export class ProjectsModule {}
