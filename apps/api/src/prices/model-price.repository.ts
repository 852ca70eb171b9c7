import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ModelPrice, Prisma } from '../generated/prisma/client';
import type { PriceEntry } from './price-table';

/** A change about to commit: the audit callback writes its event in the same transaction. */
export interface PriceWrite {
  tx: Prisma.TransactionClient;
  model: string;
  before: ModelPrice | null;
  /** Null when the price was deleted. */
  after: ModelPrice | null;
}

export interface PricePageFilter {
  /** The last model of the previous page. */
  afterModel: string | null;
  /** Only models whose id contains this, ignoring case. */
  search: string | null;
}

@Injectable()
export class ModelPriceRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts the prices for models that have no row; existing rows (maybe edited) stay as they are. */
  async insertMissing(prices: readonly PriceEntry[]): Promise<number> {
    const { count } = await this.prisma.modelPrice.createMany({ data: [...prices], skipDuplicates: true });
    return count;
  }

  /**
   * Gives a built-in price seeded before cached-input prices existed its cached price: only while the row
   * still holds exactly the old seed (no cached price, the same input and output). Returns whether it did.
   */
  async fillCachedInputPrice(price: PriceEntry): Promise<boolean> {
    const { count } = await this.prisma.modelPrice.updateMany({
      where: {
        model: price.model,
        cachedInputUsdPerMTokens: null,
        inputUsdPerMTokens: price.inputUsdPerMTokens,
        outputUsdPerMTokens: price.outputUsdPerMTokens,
      },
      data: { cachedInputUsdPerMTokens: price.cachedInputUsdPerMTokens ?? null },
    });
    return count > 0;
  }

  findAll(): Promise<ModelPrice[]> {
    return this.prisma.modelPrice.findMany();
  }

  /** Ordered by model. */
  findPageByModel({ afterModel, search }: PricePageFilter, take: number): Promise<ModelPrice[]> {
    return this.prisma.modelPrice.findMany({
      where: {
        model: {
          ...(afterModel !== null ? { gt: afterModel } : {}),
          ...(search ? { contains: escapeLike(search), mode: 'insensitive' as const } : {}),
        },
      },
      orderBy: { model: 'asc' },
      take,
    });
  }

  findByModel(model: string): Promise<ModelPrice | null> {
    return this.prisma.modelPrice.findUnique({ where: { model } });
  }

  /** Creates or replaces the price; an unchanged price is left alone (no write, no `onWrite`). */
  async upsert(price: PriceEntry, onWrite: (w: PriceWrite) => Promise<void>): Promise<ModelPrice> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.modelPrice.findUnique({ where: { model: price.model } });
      const cachedInputUsdPerMTokens = price.cachedInputUsdPerMTokens ?? null;
      if (
        before &&
        before.inputUsdPerMTokens === price.inputUsdPerMTokens &&
        before.cachedInputUsdPerMTokens === cachedInputUsdPerMTokens &&
        before.outputUsdPerMTokens === price.outputUsdPerMTokens
      ) {
        return before;
      }
      const after = await tx.modelPrice.upsert({
        where: { model: price.model },
        create: { ...price, cachedInputUsdPerMTokens },
        update: {
          inputUsdPerMTokens: price.inputUsdPerMTokens,
          cachedInputUsdPerMTokens,
          outputUsdPerMTokens: price.outputUsdPerMTokens,
        },
      });
      await onWrite({ tx, model: price.model, before, after });
      return after;
    });
  }

  /** Null when the model had no price. */
  async deleteByModel(model: string, onWrite: (w: PriceWrite) => Promise<void>): Promise<ModelPrice | null> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.modelPrice.findUnique({ where: { model } });
      if (!before) return null;
      await tx.modelPrice.delete({ where: { model } });
      await onWrite({ tx, model, before, after: null });
      return before;
    });
  }
}

/** Prisma's `contains` is a LIKE pattern: `_` and `%` in a model id must match only themselves. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
