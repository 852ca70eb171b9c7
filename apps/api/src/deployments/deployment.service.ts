import { Inject, Injectable } from '@nestjs/common';
import {
  createDeploymentSchema,
  type Deployment,
  type DeploymentLiveState,
  type deploymentListQuerySchema,
  type deploymentPageSchema,
  type ProviderKind,
  type updateDeploymentSchema,
} from '@switchboard/contracts';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AuditService } from '../audit/audit.service';
import { decodeCursor, pageFrom } from '../common/page-cursor';
import { SecretBox, secretHint } from '../common/crypto';
import { modelGroupSnapshot } from '../model-groups/model-group.snapshot';
import { LiveConfigService } from '../routing/live-config.service';
import { Router } from '../routing/router';
import { deploymentNotFound, isDeploymentId } from './deployment-id';
import {
  type DeploymentData,
  type DeploymentRecord,
  DeploymentRepository,
  type DeploymentWrite,
} from './deployment.repository';
import { deploymentSnapshot } from './deployment.snapshot';
import { probeFloorSeconds } from './health-probe.plan';
import { effectiveCapabilities } from '../providers/provider-registry';

type ProbeSettings = 'probeIntervalSeconds' | 'probeMode';
/** Callers other than the admin API (LiteLLM import and compat) may leave the health checks out: off. */
export type CreateDeploymentInput = Omit<z.output<typeof createDeploymentSchema>, ProbeSettings> &
  Partial<Pick<z.output<typeof createDeploymentSchema>, ProbeSettings>>;
export type UpdateDeploymentInput = z.output<typeof updateDeploymentSchema>;
export type DeploymentListQuery = z.output<typeof deploymentListQuerySchema>;
export type DeploymentPage = z.output<typeof deploymentPageSchema>;

@Injectable()
export class DeploymentService {
  constructor(
    private readonly box: SecretBox,
    private readonly repo: DeploymentRepository,
    private readonly audit: AuditService,
    private readonly router: Router,
    private readonly liveConfig: LiveConfigService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(query: DeploymentListQuery): Promise<DeploymentPage> {
    const rows = await this.repo.findPageByName(
      { modelGroup: query.modelGroup },
      decodeCursor(query.cursor),
      query.limit + 1,
    );
    const page = pageFrom(rows, query.limit, (d) => d.name);
    return { data: page.rows.map((d) => this.toResponse(d)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<Deployment> {
    const found = await this.find(id);
    if (!found) throw deploymentNotFound(id);
    return found;
  }

  /** Null when there is no such deployment. */
  async find(id: string): Promise<Deployment | null> {
    const found = isDeploymentId(id) ? await this.repo.findById(id) : null;
    return found && this.toResponse(found);
  }

  async create(input: CreateDeploymentInput, actor: string): Promise<Deployment> {
    const { modelGroup, apiKey, probeIntervalSeconds = null, probeMode = 'models', ...fields } = input;
    this.checkProbeInterval(probeIntervalSeconds);
    const data: DeploymentData = { ...fields, probeIntervalSeconds, probeMode, ...this.sealKey(apiKey) };
    const created = await this.repo.create(modelGroup, data, (w) =>
      this.record(actor, 'deployment.create', w),
    );
    await this.liveConfig.changed();
    return this.toResponse(created);
  }

  /** `apiKey: null` clears the key; leaving it out keeps it. */
  async update(id: string, patch: UpdateDeploymentInput, actor: string): Promise<Deployment> {
    const current = isDeploymentId(id) ? await this.repo.findById(id) : null;
    if (!current) throw deploymentNotFound(id);
    const { modelGroup, apiKey, ...fields } = patch;
    this.checkProbeInterval(fields.probeIntervalSeconds);
    // Provider rules span fields (e.g. openai-compatible needs apiBase): check the deployment as it would be.
    createDeploymentSchema.parse({
      ...editableFields(current),
      ...fields,
      modelGroup: modelGroup ?? current.modelGroup.name,
    });
    const data: Partial<DeploymentData> = {
      ...fields,
      ...(apiKey !== undefined ? this.sealKey(apiKey) : {}),
    };
    const updated = await this.repo.update(id, modelGroup, data, (w) =>
      this.record(actor, 'deployment.update', w),
    );
    if (!updated) throw deploymentNotFound(id);
    // Edited or re-enabled: back in rotation at once (other instances: see LiveConfigService).
    this.router.clearCooldown(id);
    await this.liveConfig.changed();
    return this.toResponse(updated);
  }

  /**
   * "Put back into rotation": clears the deployment's cooldown and failure memory. Its `updatedAt` moves,
   * which clears it on every other instance at their next reload (within a second).
   */
  async reset(id: string, actor: string): Promise<Deployment> {
    const current = isDeploymentId(id) ? await this.repo.findById(id) : null;
    if (!current) throw deploymentNotFound(id);
    const touched = await this.repo.touch(id, (w) => this.record(actor, 'deployment.reset', w));
    if (!touched) throw deploymentNotFound(id);
    this.router.clearCooldown(id);
    await this.liveConfig.changed();
    return this.toResponse(touched);
  }

  async remove(id: string, actor: string): Promise<void> {
    const deleted = isDeploymentId(id)
      ? await this.repo.delete(id, (w) => this.record(actor, 'deployment.delete', w))
      : null;
    if (!deleted) throw deploymentNotFound(id);
    await this.liveConfig.changed();
  }

  /** The contract takes any interval from 1 s; the floor is this gateway's (10 s unless a test lowers it). */
  private checkProbeInterval(seconds: number | null | undefined): void {
    const floor = probeFloorSeconds(this.config);
    if (seconds === null || seconds === undefined || seconds >= floor) return;
    throw new z.ZodError([
      {
        code: 'too_small',
        origin: 'number',
        minimum: floor,
        inclusive: true,
        input: seconds,
        path: ['probeIntervalSeconds'],
        message: `must be at least ${floor} seconds (or null: no background health checks)`,
      },
    ]);
  }

  private sealKey(apiKey: string | null): Pick<DeploymentData, 'apiKeyEncrypted' | 'apiKeyHint'> {
    return apiKey === null
      ? { apiKeyEncrypted: null, apiKeyHint: null }
      : { apiKeyEncrypted: this.box.encrypt(apiKey), apiKeyHint: secretHint(apiKey) };
  }

  private async record(actor: string, action: string, w: DeploymentWrite): Promise<void> {
    if (w.createdGroup) {
      await this.audit.record(
        {
          actor,
          action: 'model_group.create',
          targetType: 'model_group',
          targetId: w.createdGroup.id,
          before: null,
          after: modelGroupSnapshot(w.createdGroup),
        },
        w.tx,
      );
    }
    await this.audit.record(
      {
        actor,
        action,
        targetType: 'deployment',
        targetId: (w.after ?? w.before)?.id ?? null,
        before: w.before && deploymentSnapshot(w.before),
        after: w.after && deploymentSnapshot(w.after),
      },
      w.tx,
    );
  }

  private toResponse(d: DeploymentRecord): Deployment {
    return {
      ...deploymentSnapshot(d),
      provider: d.provider as ProviderKind,
      effectiveCapabilities: effectiveCapabilities(d.provider, d.capabilities),
      state: this.liveState(d),
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    };
  }

  private liveState(d: DeploymentRecord): DeploymentLiveState {
    const health = this.router.deploymentState(d.id);
    const status = !d.enabled ? 'disabled' : health && !health.healthy ? 'cooling_down' : 'healthy';
    return {
      status,
      cooldownUntil: health?.cooldownUntil != null ? new Date(health.cooldownUntil).toISOString() : null,
      cooldownReason: health?.cooldownReason ?? null,
      lastError: health?.lastError ?? null,
      inFlight: health?.inFlight ?? 0,
      rpmUsed: health?.rpmUsed ?? 0,
      tpmUsed: health?.tpmUsed ?? 0,
      latencyMs: health?.latencyMs ?? null,
      ttftMs: health?.ttftMs ?? null,
      lastErrorAt: health?.lastErrorAt != null ? new Date(health.lastErrorAt).toISOString() : null,
      lastSuccessAt: health?.lastSuccessAt != null ? new Date(health.lastSuccessAt).toISOString() : null,
      lastProbe: health?.lastProbe
        ? { ...health.lastProbe, at: new Date(health.lastProbe.at).toISOString() }
        : null,
    };
  }
}

/** The stored settings in the shape of a create request (the key is write-only and not needed here). */
function editableFields(d: DeploymentRecord) {
  const { id: _id, apiKeyHint: _hint, ...fields } = deploymentSnapshot(d);
  return fields;
}
