import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import type { z } from 'zod';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  type LiteLLMDeleteKeys,
  litellmDeleteKeysSchema,
  litellmDeleteModelSchema,
  type LiteLLMGeneratedKey,
  type LiteLLMGenerateKey,
  litellmGenerateKeySchema,
  type LiteLLMKeyInfo,
  litellmKeyInfoQuerySchema,
  type LiteLLMModel,
  litellmModelInfoQuerySchema,
  type LiteLLMNewModel,
  litellmNewModelSchema,
} from './litellm-compat.dto';
import { LiteLLMKeyService } from './litellm-key.service';
import { LiteLLMModelService } from './litellm-model.service';

/**
 * LiteLLM Proxy's management endpoints, for scripts written against LiteLLM. Admin routes like any other
 * (master key or console session); errors come in the OpenAI shape LiteLLM uses too.
 */
@Controller('key')
export class LiteLLMKeyController {
  constructor(private readonly keys: LiteLLMKeyService) {}

  @Post('generate')
  @HttpCode(200)
  generate(
    @Body(new ZodValidationPipe(litellmGenerateKeySchema)) body: LiteLLMGenerateKey,
    @Actor() actor: string,
  ): Promise<LiteLLMGeneratedKey> {
    return this.keys.generate(body, actor);
  }

  @Get('info')
  info(
    @Query(new ZodValidationPipe(litellmKeyInfoQuerySchema))
    query: z.output<typeof litellmKeyInfoQuerySchema>,
  ): Promise<{ key: string; info: LiteLLMKeyInfo }> {
    return this.keys.info(query.key);
  }

  @Post('delete')
  @HttpCode(200)
  delete(
    @Body(new ZodValidationPipe(litellmDeleteKeysSchema)) body: LiteLLMDeleteKeys,
    @Actor() actor: string,
  ): Promise<{ deleted_keys: string[] }> {
    return this.keys.delete(body, actor);
  }
}

@Controller('model')
export class LiteLLMModelController {
  constructor(private readonly models: LiteLLMModelService) {}

  @Post('new')
  @HttpCode(200)
  create(
    @Body(new ZodValidationPipe(litellmNewModelSchema)) body: LiteLLMNewModel,
    @Actor() actor: string,
  ): Promise<LiteLLMModel & { model_id: string }> {
    return this.models.create(body, actor);
  }

  @Get('info')
  info(
    @Query(new ZodValidationPipe(litellmModelInfoQuerySchema))
    query: z.output<typeof litellmModelInfoQuerySchema>,
  ): Promise<{ data: LiteLLMModel[] }> {
    return this.models.list(query.litellm_model_id);
  }

  @Post('delete')
  @HttpCode(200)
  delete(
    @Body(new ZodValidationPipe(litellmDeleteModelSchema)) body: z.output<typeof litellmDeleteModelSchema>,
    @Actor() actor: string,
  ): Promise<{ message: string }> {
    return this.models.delete(body.id, actor);
  }
}
