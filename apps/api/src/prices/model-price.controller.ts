import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import {
  type ModelPrice,
  type ModelPriceListQuery,
  modelPriceListQuerySchema,
  putModelPriceSchema,
} from '@switchboard/contracts';
import { Actor } from '../audit/actor';
import { ZodValidationPipe } from '../common/zod-validation.pipe';
import { type ModelPricePage, ModelPriceService, type PutModelPriceInput } from './model-price.service';

@Controller('api/prices')
export class ModelPriceController {
  constructor(private readonly prices: ModelPriceService) {}

  @Get()
  list(
    @Query(new ZodValidationPipe(modelPriceListQuerySchema)) query: ModelPriceListQuery,
  ): Promise<ModelPricePage> {
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

  /** Back to the built-in price where Switchboard ships one; otherwise the model's price is deleted. */
  @Delete(':model')
  @HttpCode(204)
  remove(@Param('model') model: string, @Actor() actor: string): Promise<void> {
    return this.prices.remove(model, actor);
  }
}
