import { Module } from '@nestjs/common';
import { LiteLLMKeyController, LiteLLMModelController } from './litellm-compat.controller';
import { LiteLLMCompatRepository } from './litellm-compat.repository';
import { LiteLLMKeyService } from './litellm-key.service';
import { LiteLLMModelService } from './litellm-model.service';
import { DeploymentModule } from '../deployments/deployment.module';
import { KeysModule } from '../keys/keys.module';
import { ProjectsModule } from '../projects/projects.module';

/** LiteLLM Proxy's `/key/*` and `/model/*` management endpoints, over keys, projects and deployments. */
@Module({
  imports: [KeysModule, ProjectsModule, DeploymentModule],
  controllers: [LiteLLMKeyController, LiteLLMModelController],
  providers: [LiteLLMKeyService, LiteLLMModelService, LiteLLMCompatRepository],
})
export class LiteLLMCompatModule {}
