import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

@Injectable()
export class RoutingConfigRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Everything the router needs, in one consistent read. */
  async loadAll() {
    const [groups, deployments] = await this.prisma.$transaction([
      this.prisma.modelGroup.findMany({ orderBy: { name: 'asc' } }),
      this.prisma.deployment.findMany({
        include: { modelGroup: { select: { name: true } } },
        orderBy: { id: 'asc' },
      }),
    ]);
    return { groups, deployments };
  }
}
