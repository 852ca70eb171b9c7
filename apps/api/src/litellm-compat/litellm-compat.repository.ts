import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Look-ups the LiteLLM aliases need and the feature services do not offer; writes go through those services. */
@Injectable()
export class LiteLLMCompatRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A project by id or, failing that, by exact name. */
  async findProjectId(idOrName: string): Promise<string | null> {
    const row = await this.prisma.project.findFirst({
      where: UUID.test(idOrName) ? { OR: [{ id: idOrName }, { name: idOrName }] } : { name: idOrName },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** The key with this secret hash (current, or previous within a rotation grace). */
  async findKeyIdByHash(hash: string): Promise<string | null> {
    const row = await this.prisma.virtualKey.findFirst({
      where: { OR: [{ keyHash: hash }, { previousKeyHash: hash }] },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  async keyExists(id: string): Promise<boolean> {
    return UUID.test(id) && (await this.prisma.virtualKey.count({ where: { id } })) > 0;
  }

  /** Unrevoked keys with one of these aliases, by alias. */
  async findActiveKeyIdsByAlias(aliases: readonly string[]): Promise<{ id: string; alias: string }[]> {
    const rows = await this.prisma.virtualKey.findMany({
      where: { alias: { in: [...aliases] }, revokedAt: null },
      select: { id: true, alias: true },
    });
    return rows.flatMap((r) => (r.alias === null ? [] : [{ id: r.id, alias: r.alias }]));
  }

  /** Which of these deployment names are taken. */
  async findTakenDeploymentNames(names: readonly string[]): Promise<Set<string>> {
    const rows = await this.prisma.deployment.findMany({
      where: { name: { in: [...names] } },
      select: { name: true },
    });
    return new Set(rows.map((r) => r.name));
  }

  /** A deployment id from an id or a name. */
  async findDeploymentId(idOrName: string): Promise<string | null> {
    const row = await this.prisma.deployment.findFirst({
      where: UUID.test(idOrName) ? { OR: [{ id: idOrName }, { name: idOrName }] } : { name: idOrName },
      select: { id: true },
    });
    return row?.id ?? null;
  }
}
