import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/**
 * For services: several writes that must commit together (a model group's routing, a whole LiteLLM
 * import). Repositories join the open unit through `PrismaService.transaction` / `PrismaService.db`.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.prisma.unitOfWork(work);
  }

  /** Inside a unit: defers `hook` until it commits (once per key) and returns true; outside: false. */
  afterCommit(key: string, hook: () => Promise<void>): boolean {
    return this.prisma.afterCommit(key, hook);
  }
}
