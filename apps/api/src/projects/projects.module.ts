import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ProjectController } from './project.controller';
import { ProjectRepository } from './project.repository';
import { ProjectService } from './project.service';

/** Projects: the consumers of the gateway (e.g. one Dify app), each owning virtual keys. */
@Module({
  imports: [AuditModule],
  controllers: [ProjectController],
  providers: [ProjectService, ProjectRepository],
})
export class ProjectsModule {}
