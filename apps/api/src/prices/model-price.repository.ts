import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ModelPrice, Prisma } from '../generated/prisma/client';
import type { PriceEntry } from './price-table';

export interface PriceWrite {
  tx: Prisma.TransactionClient;
  before: ModelPrice | null;
  after: ModelPrice;
}

@Injectable()
export class ModelPriceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts the prices for models that have no row; existing rows (maybe edited) stay as they are. */
  async insertMissing(prices: readonly PriceEntry[]): Promise<number> {
    const { count } = await this.prisma.modelPrice.createMany({ data: [...prices], skipDuplicates: true });
    return count;
  }

  findAll(): Promise<ModelPrice[]> {
    return this.prisma.modelPrice.findMany();
  }

  /** Ordered by model; `afterModel` is the last model of the previous page. */
  findPageByModel(afterModel: string | null, take: number): Promise<ModelPrice[]> {
    return this.prisma.modelPrice.findMany({
      where: afterModel !== null ? { model: { gt: afterModel } } : {},
      orderBy: { model: 'asc' },
      take,
    });
  }

  async upsert(price: PriceEntry, onWrite: (w: PriceWrite) => Promise<void>): Promise<ModelPrice> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.modelPrice.findUnique({ where: { model: price.model } });
      const after = await tx.modelPrice.upsert({
        where: { model: price.model },
        create: price,
        update: {
          inputUsdPerMTokens: price.inputUsdPerMTokens,
          outputUsdPerMTokens: price.outputUsdPerMTokens,
        },
      });
      await onWrite({ tx, before, after });
      return after;
    });
  }
}
