import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProjectBodySettings } from './project-body-settings';
import { ProjectController } from './project.controller';
import { ProjectRepository } from './project.repository';
import { ProjectService } from './project.service';
import { KeysModule } from '../keys/keys.module';
import { BODY_POLICY } from '../gateway/body-capture';

/** Projects: the consumers of the gateway (e.g. one Dify app), each owning virtual keys. */
@Module({
  // Deleting a project drops its revoked keys from the data plane's memory.
  imports: [AuditModule, KeysModule],
  controllers: [ProjectController],
  providers: [
    ProjectService,
    ProjectRepository,
    ProjectBodySettings,
    { provide: BODY_POLICY, useExisting: ProjectBodySettings },
  ],
  // BODY_POLICY: which projects' bodies the data plane keeps (from memory).
  exports: [ProjectService, BODY_POLICY],
})
export class ProjectsModule {}
