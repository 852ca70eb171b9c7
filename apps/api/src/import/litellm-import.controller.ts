import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import type { ImportPlan } from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  type LiteLLMImportBody,
  litellmImportBodySchema,
  type LiteLLMImportQuery,
  litellmImportQuerySchema,
} from './litellm-import.dto';
import { LiteLLMImportService } from './litellm-import.service';

@Controller('api')
export class LiteLLMImportController {
  constructor(private readonly imports: LiteLLMImportService) {}

  /** Answers the plan; with `?dryRun=true` nothing is changed. Supplied values are never echoed. */
  @Post('import/litellm')
  @HttpCode(200)
  import(
    @Body(new ZodValidationPipe(litellmImportBodySchema)) body: LiteLLMImportBody,
    @Query(new ZodValidationPipe(litellmImportQuerySchema)) query: LiteLLMImportQuery,
    @Actor() actor: string,
  ): Promise<ImportPlan> {
    const { yaml, ...inputs } = body;
    return this.imports.import(yaml, query.dryRun, actor, inputs);
  }

  /** A LiteLLM config.yaml of the current routing; keys are `os.environ/…` placeholders, never values. */
  @Get('export/litellm')
  @Header('content-type', 'application/yaml; charset=utf-8')
  @Header('content-disposition', 'inline; filename="litellm-config.yaml"')
  export(): Promise<string> {
    return this.imports.export();
  }
}
