import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  createModelGroupSchema,
  type ModelGroup,
  type PageQuery,
  pageQuerySchema,
  updateModelGroupSchema,
} from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  type CreateModelGroupInput,
  type ModelGroupPage,
  ModelGroupService,
  type UpdateModelGroupInput,
} from './model-group.service';

@Controller('api/model-groups')
export class ModelGroupController {
  constructor(private readonly groups: ModelGroupService) {}

  @Get()
  list(@Query(new ZodValidationPipe(pageQuerySchema)) query: PageQuery): Promise<ModelGroupPage> {
    return this.groups.list(query);
  }

  @Post()
  create(
    @Body(new ZodValidationPipe(createModelGroupSchema)) body: CreateModelGroupInput,
    @Actor() actor: string,
  ): Promise<ModelGroup> {
    return this.groups.create(body, actor);
  }

  @Get(':name')
  get(@Param('name') name: string): Promise<ModelGroup> {
    return this.groups.get(name);
  }

  @Patch(':name')
  update(
    @Param('name') name: string,
    @Body(new ZodValidationPipe(updateModelGroupSchema)) body: UpdateModelGroupInput,
    @Actor() actor: string,
  ): Promise<ModelGroup> {
    return this.groups.update(name, body, actor);
  }

  @Delete(':name')
  @HttpCode(204)
  remove(@Param('name') name: string, @Actor() actor: string): Promise<void> {
    return this.groups.remove(name, actor);
  }
}
