import { Module } from '@nestjs/common';
import { LiteLLMKeyController, LiteLLMModelController } from './litellm-compat.controller';
import { LiteLLMCompatRepository } from './litellm-compat.repository';
import { LiteLLMKeyService } from './litellm-key.service';
import { LiteLLMModelService } from './litellm-model.service';

/** LiteLLM Proxy's `/key/*` and `/model/*` management endpoints, over keys, projects and deployments. */
@Module({
  controllers: [LiteLLMKeyController, LiteLLMModelController],
  providers: [LiteLLMKeyService, LiteLLMModelService, LiteLLMCompatRepository],
})
export class LiteLLMCompatModule {}
