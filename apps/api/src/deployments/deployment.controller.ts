import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  createDeploymentSchema,
  type Deployment,
  deploymentListQuerySchema,
  type DeploymentTestResult,
  updateDeploymentSchema,
} from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { ConnectionTestService } from './connection-test.service';
import {
  type CreateDeploymentInput,
  type DeploymentListQuery,
  type DeploymentPage,
  DeploymentService,
  type UpdateDeploymentInput,
} from './deployment.service';

@Controller('api/deployments')
export class DeploymentController {
  constructor(
    private readonly deployments: DeploymentService,
    private readonly connectionTest: ConnectionTestService,
  ) {}

  @Get()
  list(
    @Query(new ZodValidationPipe(deploymentListQuerySchema)) query: DeploymentListQuery,
  ): Promise<DeploymentPage> {
    return this.deployments.list(query);
  }

  @Post()
  create(
    @Body(new ZodValidationPipe(createDeploymentSchema)) body: CreateDeploymentInput,
    @Actor() actor: string,
  ): Promise<Deployment> {
    return this.deployments.create(body, actor);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<Deployment> {
    return this.deployments.get(id);
  }

  @Patch(':id')
  update(
    @Param('id') id: string,
    @Body(new ZodValidationPipe(updateDeploymentSchema)) body: UpdateDeploymentInput,
    @Actor() actor: string,
  ): Promise<Deployment> {
    return this.deployments.update(id, body, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id') id: string, @Actor() actor: string): Promise<void> {
    return this.deployments.remove(id, actor);
  }

  /** "Put back into rotation": clears a cooldown at once, on every instance. */
  @Post(':id/reset')
  @HttpCode(200)
  reset(@Param('id') id: string, @Actor() actor: string): Promise<Deployment> {
    return this.deployments.reset(id, actor);
  }

  /** Always 200: the result says whether the upstream accepted the deployment's settings. */
  @Post(':id/test')
  @HttpCode(200)
  test(@Param('id') id: string): Promise<DeploymentTestResult> {
    return this.connectionTest.test(id);
  }
}
