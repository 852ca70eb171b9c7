import { Injectable } from '@nestjs/common';
import type { ProviderKind } from '@switchboard/contracts';
import { PrismaService } from '../database/prisma.service';
import type { ExportDeployment } from './litellm-export.writer';
import type { CurrentDeployment, CurrentGroup, CurrentState } from './litellm-import.plan';

const groupColumns = {
  name: true,
  strategy: true,
  numRetries: true,
  fallbacks: true,
  allowedFails: true,
  cooldownSeconds: true,
  timeoutMs: true,
  streamIdleTimeoutMs: true,
} as const;

const deploymentColumns = {
  name: true,
  provider: true,
  model: true,
  apiBase: true,
  apiVersion: true,
  weight: true,
  priority: true,
  rpmLimit: true,
  tpmLimit: true,
  timeoutMs: true,
  tags: true,
  modelGroup: { select: { name: true } },
} as const;

/** Reads the routing configuration for LiteLLM import and export; writes go through the feature services. */
@Injectable()
export class LiteLLMImportRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Every group, and the deployments of the groups named, with key ciphertext: the import compares keys
   * and the ciphertext never leaves the import service.
   */
  async findStateForImport(
    groupNames: readonly string[],
    deploymentNames: readonly string[],
  ): Promise<CurrentState> {
    const [groups, deployments] = await this.prisma.$transaction([
      this.prisma.modelGroup.findMany({ select: groupColumns, orderBy: { name: 'asc' } }),
      this.prisma.deployment.findMany({
        where: {
          OR: [{ name: { in: [...deploymentNames] } }, { modelGroup: { name: { in: [...groupNames] } } }],
        },
        select: { ...deploymentColumns, id: true, apiKeyEncrypted: true },
        orderBy: { name: 'asc' },
      }),
    ]);
    return {
      groups: groups satisfies CurrentGroup[],
      deployments: deployments.map(({ modelGroup, ...d }): CurrentDeployment => ({
        ...d,
        modelGroup: modelGroup.name,
      })),
    };
  }

  /** Everything export writes: no key material beyond the display hint. */
  async findAllForExport(): Promise<{ groups: CurrentGroup[]; deployments: ExportDeployment[] }> {
    const [groups, deployments] = await this.prisma.$transaction([
      this.prisma.modelGroup.findMany({ select: groupColumns, orderBy: { name: 'asc' } }),
      this.prisma.deployment.findMany({
        select: { ...deploymentColumns, apiKeyHint: true, enabled: true },
        orderBy: { name: 'asc' },
      }),
    ]);
    return {
      groups,
      deployments: deployments.map(({ modelGroup, ...d }) => ({
        ...d,
        provider: d.provider as ProviderKind,
        modelGroup: modelGroup.name,
      })),
    };
  }
}
