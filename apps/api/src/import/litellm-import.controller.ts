import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import type { ImportPlan } from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import {
  litellmImportBodySchema,
  type LiteLLMImportQuery,
  litellmImportQuerySchema,
} from './litellm-import.dto';
import { LiteLLMImportService } from './litellm-import.service';

@Controller('api')
export class LiteLLMImportController {
  constructor(private readonly imports: LiteLLMImportService) {}

  /** Answers the plan; with `?dryRun=true` nothing is changed. */
  @Post('import/litellm')
  @HttpCode(200)
  import(
    @Body(new ZodValidationPipe(litellmImportBodySchema)) yaml: string,
    @Query(new ZodValidationPipe(litellmImportQuerySchema)) query: LiteLLMImportQuery,
    @Actor() actor: string,
  ): Promise<ImportPlan> {
    return this.imports.import(yaml, query.dryRun, actor);
  }

  /** A LiteLLM config.yaml of the current routing; keys are `os.environ/…` placeholders, never values. */
  @Get('export/litellm')
  @Header('content-type', 'application/yaml; charset=utf-8')
  @Header('content-disposition', 'inline; filename="litellm-config.yaml"')
  export(): Promise<string> {
    return this.imports.export();
  }
}
