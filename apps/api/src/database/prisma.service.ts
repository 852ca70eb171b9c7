import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AsyncLocalStorage } from 'node:async_hooks';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { type Prisma, PrismaClient } from '../generated/prisma/client';

/** An open unit of work: the transaction every write joins, and what runs once it has committed. */
interface Unit {
  tx: Prisma.TransactionClient;
  afterCommit: Map<string, () => Promise<void>>;
}

/** Several admin writes (a group's routing, a whole import) may take a while: more than the 5 s default. */
const UNIT_TIMEOUT_MS = 60_000;

/** The one PrismaClient of the process. Inject it only into `*.repository.ts` files. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly units = new AsyncLocalStorage<Unit>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.databaseUrl, max: 10 }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }

  /**
   * Runs `work` as ONE transaction: every repository write inside it (through `transaction`) and every
   * read through `db` joins it, so several service calls commit together or not at all. Hooks registered
   * with `afterCommit` run once, after the commit (never after a rollback).
   */
  async unitOfWork<T>(work: () => Promise<T>): Promise<T> {
    if (this.units.getStore()) return work();
    const afterCommit = new Map<string, () => Promise<void>>();
    const result = await this.$transaction((tx) => this.units.run({ tx, afterCommit }, work), {
      timeout: UNIT_TIMEOUT_MS,
      maxWait: UNIT_TIMEOUT_MS,
    });
    for (const hook of afterCommit.values()) await hook();
    return result;
  }

  /** An interactive transaction, or the open unit of work's transaction when there is one. */
  transaction<T>(write: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    const unit = this.units.getStore();
    return unit ? write(unit.tx) : this.$transaction(write);
  }

  /**
   * For reads that must see the open unit of work's own writes: its transaction, else the client. (A
   * method, not a getter: the client is a proxy, and only a call keeps it as `this`.)
   */
  db(): Prisma.TransactionClient {
    return this.units.getStore()?.tx ?? this;
  }

  /**
   * Inside a unit of work: runs `hook` once after it commits (one hook per `key`) and returns true.
   * Outside one: returns false and the caller does the work itself.
   */
  afterCommit(key: string, hook: () => Promise<void>): boolean {
    const unit = this.units.getStore();
    if (!unit) return false;
    unit.afterCommit.set(key, hook);
    return true;
  }
}
