import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  createProjectSchema,
  type PageQuery,
  pageQuerySchema,
  type Project,
  updateProjectSchema,
} from '@switchboard/contracts';
import type { ProjectScope } from '../auth/caller';
import { CallerScope } from '../auth/project-scope.decorator';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  type CreateProjectInput,
  type ProjectPage,
  ProjectService,
  type UpdateProjectInput,
} from './project.service';

@Controller('api/projects')
export class ProjectController {
  constructor(private readonly projects: ProjectService) {}

  @Get()
  list(
    @Query(new ZodValidationPipe(pageQuerySchema)) query: PageQuery,
    @CallerScope() scope: ProjectScope,
  ): Promise<ProjectPage> {
    return this.projects.list(query, scope);
  }

  @Post()
  create(
    @Body(new ZodValidationPipe(createProjectSchema)) body: CreateProjectInput,
    @Actor() actor: string,
  ): Promise<Project> {
    return this.projects.create(body, actor);
  }

  @Get(':id')
  get(@Param('id') id: string, @CallerScope() scope: ProjectScope): Promise<Project> {
    return this.projects.get(id, scope);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateProjectSchema)) body: UpdateProjectInput,
    @Actor() actor: string,
  ): Promise<Project> {
    return this.projects.update(id, body, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @Actor() actor: string): Promise<void> {
    return this.projects.remove(id, actor);
  }
}
