import { LiveReload } from '../database/live-reload';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type {
  ModelPrice,
  modelPricePageSchema,
  PageQuery,
  putModelPriceSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, pageFrom } from '../common/page-cursor';
import { AdminError } from '../common/errors';
import { ChangeNotifier } from '../database/change-notifier';
import type { CostCalculator } from '../gateway/gateway-auth';
import type { ModelPrice as ModelPriceRow } from '../generated/prisma/client';
import { DEFAULT_PRICES } from './default-prices';
import { ModelPriceRepository, type PriceWrite } from './model-price.repository';
import { PriceTable } from './price-table';

export type PutModelPriceInput = z.output<typeof putModelPriceSchema>;
export type ModelPricePage = z.output<typeof modelPricePageSchema>;

/** Safety net in case a notification is lost. */
const PERIODIC_RELOAD_MS = 60_000;

/**
 * The gateway's CostCalculator (served from memory) and the admin API over model prices. Seeds the
 * default prices at start (missing models only) and reloads on change here or on another instance.
 */
@Injectable()
export class ModelPriceService implements CostCalculator, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Prices');
  private table = new PriceTable([]);
  private readonly live: LiveReload;

  constructor(
    private readonly repo: ModelPriceRepository,
    private readonly audit: AuditService,
    notifier: ChangeNotifier,
  ) {
    this.live = new LiveReload(notifier, 'prices', () => this.reload(), PERIODIC_RELOAD_MS);
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.repo.insertMissing(DEFAULT_PRICES);
    } catch (err) {
      this.logger.error(`could not seed default prices: ${err instanceof Error ? err.message : String(err)}`);
    }
    await this.live.start();
  }

  onApplicationShutdown(): void {
    this.live.stop();
  }

  costUsd(model: string, promptTokens: number, completionTokens: number): number {
    return this.table.costUsd(model, promptTokens, completionTokens);
  }

  async list(query: PageQuery): Promise<ModelPricePage> {
    const rows = await this.repo.findPageByModel(decodeCursor(query.cursor), query.limit + 1);
    const page = pageFrom(rows, query.limit, (p) => p.model);
    return { data: page.rows.map(toResponse), nextCursor: page.nextCursor };
  }

  async put(model: string, input: PutModelPriceInput, actor: string): Promise<ModelPrice> {
    const name = model.trim();
    if (!name || name.length > 256) {
      throw new AdminError(400, 'validation_failed', 'Invalid request: model: must be 1 to 256 characters', [
        { path: 'model', message: 'must be 1 to 256 characters' },
      ]);
    }
    const saved = await this.repo.upsert({ model: name, ...input }, (w) => this.record(actor, w));
    await this.live.changed();
    return toResponse(saved);
  }

  private async reload(): Promise<void> {
    try {
      this.table = new PriceTable(await this.repo.findAll());
    } catch (err) {
      // Keep costing with the last good table.
      this.logger.error(`reload failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async record(actor: string, w: PriceWrite): Promise<void> {
    await this.audit.record(
      {
        actor,
        action: w.before ? 'price.update' : 'price.create',
        targetType: 'model_price',
        targetId: w.after.model,
        before: w.before && snapshot(w.before),
        after: snapshot(w.after),
      },
      w.tx,
    );
  }
}

function snapshot(p: ModelPriceRow) {
  return {
    model: p.model,
    inputUsdPerMTokens: p.inputUsdPerMTokens,
    outputUsdPerMTokens: p.outputUsdPerMTokens,
  };
}

function toResponse(p: ModelPriceRow): ModelPrice {
  return { ...snapshot(p), updatedAt: p.updatedAt.toISOString() };
}
