import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import {
  type ModelPrice,
  type PageQuery,
  pageQuerySchema,
  putModelPriceSchema,
} from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { type ModelPricePage, ModelPriceService, type PutModelPriceInput } from './model-price.service';

@Controller('api/prices')
export class ModelPriceController {
  constructor(private readonly prices: ModelPriceService) {}

  @Get()
  list(@Query(new ZodValidationPipe(pageQuerySchema)) query: PageQuery): Promise<ModelPricePage> {
    return this.prices.list(query);
  }

  /** Creates or replaces the price of one model (URL-encode ids with a slash, e.g. `openai%2Fgpt-4.1`). */
  @Put(':model')
  put(
    @Param('model') model: string,
    @Body(new ZodValidationPipe(putModelPriceSchema)) body: PutModelPriceInput,
    @Actor() actor: string,
  ): Promise<ModelPrice> {
    return this.prices.put(model, body, actor);
  }
}
