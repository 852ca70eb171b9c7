import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { COST_CALCULATOR } from '../gateway/gateway-auth';
import { ModelPriceController } from './model-price.controller';
import { ModelPriceRepository } from './model-price.repository';
import { ModelPriceService } from './model-price.service';

/** Model prices: the admin API over them and the data plane's in-memory CostCalculator. */
@Module({
  imports: [AuditModule],
  controllers: [ModelPriceController],
  providers: [
    ModelPriceService,
    ModelPriceRepository,
    { provide: COST_CALCULATOR, useExisting: ModelPriceService },
  ],
  exports: [COST_CALCULATOR],
})
export class PricesModule {}
