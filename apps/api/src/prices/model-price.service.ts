import { LiveReload } from '../database/live-reload';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type {
  ModelPrice,
  ModelPriceListQuery,
  modelPricePageSchema,
  PriceFigures,
  putModelPriceSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import type { LatestAuditEvent } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, pageFrom } from '../common/page-cursor';
import { AdminError } from '../common/errors';
import { ChangeNotifier } from '../database/change-notifier';
import type { CostCalculator, PricedUsage, TokenUsage } from '../gateway/gateway-auth';
import type { ModelPrice as ModelPriceRow } from '../generated/prisma/client';
import { DEFAULT_PRICES } from './default-prices';
import { ModelPriceRepository, type PriceWrite } from './model-price.repository';
import { type PriceEntry, PriceTable } from './price-table';

export type PutModelPriceInput = z.output<typeof putModelPriceSchema>;
export type ModelPricePage = z.output<typeof modelPricePageSchema>;

/** Safety net in case a notification is lost. */
const PERIODIC_RELOAD_MS = 60_000;
const TARGET_TYPE = 'model_price';

/** The built-in prices by exact model id: what a reset restores, and how a price tells its source. */
const DEFAULT_BY_MODEL: ReadonlyMap<string, PriceFigures> = new Map(
  DEFAULT_PRICES.map(({ model, ...figures }) => [model, figures]),
);

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
      await this.fillCachedInputPrices();
    } catch (err) {
      this.logger.error(`could not seed default prices: ${err instanceof Error ? err.message : String(err)}`);
    }
    await this.live.start();
  }

  onApplicationShutdown(): void {
    this.live.stop();
  }

  costUsd(model: string, promptTokens: number, completionTokens: number, cachedTokens = 0): number {
    return this.table.costUsd(model, promptTokens, completionTokens, cachedTokens);
  }

  price(model: string, usage: TokenUsage): PricedUsage {
    return this.table.price(model, usage);
  }

  async list(query: ModelPriceListQuery): Promise<ModelPricePage> {
    const filter = { afterModel: decodeCursor(query.cursor), search: query.search || null };
    const rows = await this.repo.findPageByModel(filter, query.limit + 1);
    const page = pageFrom(rows, query.limit, (p) => p.model);
    const changes = await this.audit.latestPerTarget(
      TARGET_TYPE,
      page.rows.map((p) => p.model),
    );
    return {
      data: page.rows.map((p) => toResponse(p, changes.get(p.model) ?? null)),
      nextCursor: page.nextCursor,
    };
  }

  async put(model: string, input: PutModelPriceInput, actor: string): Promise<ModelPrice> {
    const name = modelName(model);
    const saved = await this.repo.upsert({ model: name, ...input }, (w) =>
      this.record(actor, w.before ? 'price.update' : 'price.create', w),
    );
    await this.live.changed();
    return this.withLastChange(saved);
  }

  /**
   * Takes back what operators set: a model Switchboard ships a price for gets that price again, any other
   * model loses its price (then costed as any unpriced id: by a priced prefix, else at 0).
   */
  async remove(model: string, actor: string): Promise<void> {
    const name = modelName(model);
    const builtIn = DEFAULT_BY_MODEL.get(name);
    if (builtIn) {
      await this.repo.upsert({ model: name, ...builtIn }, (w) => this.record(actor, 'price.reset', w));
    } else {
      const deleted = await this.repo.deleteByModel(name, (w) => this.record(actor, 'price.delete', w));
      if (!deleted) throw new AdminError(404, 'not_found', `There is no price for model '${name}'.`);
    }
    await this.live.changed();
  }

  /**
   * Built-in prices seeded before Switchboard knew cached-input prices have none; they get theirs unless
   * someone changed the model's price through the API since (then the operator's choice stands).
   */
  private async fillCachedInputPrices(): Promise<void> {
    const rows = await this.repo.findAll();
    const stale = rows.filter((row) => {
      const builtIn = DEFAULT_BY_MODEL.get(row.model);
      return (
        builtIn !== undefined &&
        builtIn.cachedInputUsdPerMTokens !== null &&
        row.cachedInputUsdPerMTokens === null &&
        row.inputUsdPerMTokens === builtIn.inputUsdPerMTokens &&
        row.outputUsdPerMTokens === builtIn.outputUsdPerMTokens
      );
    });
    if (stale.length === 0) return;
    const changed = await this.audit.latestPerTarget(
      TARGET_TYPE,
      stale.map((row) => row.model),
    );
    for (const row of stale) {
      if (changed.has(row.model)) continue;
      await this.repo.fillCachedInputPrice({ model: row.model, ...DEFAULT_BY_MODEL.get(row.model)! });
    }
  }

  private async reload(): Promise<void> {
    try {
      this.table = new PriceTable(await this.repo.findAll(), isBuiltIn);
    } catch (err) {
      // Keep costing with the last good table.
      this.logger.error(`reload failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async withLastChange(p: ModelPriceRow): Promise<ModelPrice> {
    const changes = await this.audit.latestPerTarget(TARGET_TYPE, [p.model]);
    return toResponse(p, changes.get(p.model) ?? null);
  }

  private async record(actor: string, action: string, w: PriceWrite): Promise<void> {
    await this.audit.record(
      {
        actor,
        action,
        targetType: TARGET_TYPE,
        targetId: w.model,
        before: w.before && snapshot(w.before),
        after: w.after && snapshot(w.after),
      },
      w.tx,
    );
  }
}

/** The model id from the path, trimmed; 1 to 256 characters. */
function modelName(model: string): string {
  const name = model.trim();
  if (!name || name.length > 256) {
    throw new AdminError(400, 'validation_failed', 'Invalid request: model: must be 1 to 256 characters', [
      { path: 'model', message: 'must be 1 to 256 characters' },
    ]);
  }
  return name;
}

function snapshot(p: ModelPriceRow) {
  return {
    model: p.model,
    inputUsdPerMTokens: p.inputUsdPerMTokens,
    cachedInputUsdPerMTokens: p.cachedInputUsdPerMTokens,
    outputUsdPerMTokens: p.outputUsdPerMTokens,
  };
}

/** Whether every figure is the list price Switchboard ships for this exact model id. */
function isBuiltIn(p: PriceEntry): boolean {
  const builtIn = DEFAULT_BY_MODEL.get(p.model);
  return (
    builtIn !== undefined &&
    builtIn.inputUsdPerMTokens === p.inputUsdPerMTokens &&
    builtIn.cachedInputUsdPerMTokens === (p.cachedInputUsdPerMTokens ?? null) &&
    builtIn.outputUsdPerMTokens === p.outputUsdPerMTokens
  );
}

function toResponse(p: ModelPriceRow, lastChange: LatestAuditEvent | null): ModelPrice {
  return {
    ...snapshot(p),
    updatedAt: p.updatedAt.toISOString(),
    defaultPrice: DEFAULT_BY_MODEL.get(p.model) ?? null,
    source: isBuiltIn(p) ? 'default' : 'operator',
    lastChange: lastChange && {
      action: lastChange.action,
      actor: lastChange.actor,
      at: lastChange.createdAt.toISOString(),
    },
  };
}
