import { Injectable } from '@nestjs/common';
import type { Deployment } from '@switchboard/contracts';
import { AdminError } from '../common/errors';
import { DeploymentService } from '../deployments/deployment.service';
import {
  derivedDeploymentName,
  type EnvLookup,
  noEnv,
  ReadContext,
  readModelEntry,
} from '../import/litellm-config.reader';
import { EXPORT_PREFIX } from '../import/litellm-providers';
import type { LiteLLMModel, LiteLLMNewModel } from './litellm-compat.dto';
import { LiteLLMCompatRepository } from './litellm-compat.repository';

/**
 * LiteLLM's `/model/*` endpoints over deployments: `model_info.id` is the deployment id. A new model is read
 * exactly like a `model_list` entry of an imported config (same providers, env references, name).
 */
@Injectable()
export class LiteLLMModelService {
  constructor(
    private readonly repo: LiteLLMCompatRepository,
    private readonly deployments: DeploymentService,
  ) {}

  async create(
    body: LiteLLMNewModel,
    actor: string,
    // Never the gateway's environment: it holds the gateway's own secrets (issue #10).
    env: EnvLookup = noEnv,
  ): Promise<LiteLLMModel & { model_id: string; warnings: string[] }> {
    const ctx = new ReadContext(env, null);
    const read = readModelEntry(ctx, body, 'body', 0);
    const warnings = ctx.finish();
    if (!read)
      throw new AdminError(400, 'validation_failed', warnings.join(' ') || 'The model cannot be added.');
    let name = read.explicitName;
    if (name === null) {
      // Like LiteLLM, adding the same model twice adds a second deployment: take the next free number.
      const candidates = Array.from({ length: 50 }, (_, i) =>
        derivedDeploymentName(read.deployment.modelGroup, read.identity, i + 1),
      );
      const taken = await this.repo.findTakenDeploymentNames(candidates);
      name = candidates.find((c) => !taken.has(c)) ?? null;
      if (name === null)
        throw new AdminError(
          409,
          'conflict',
          'This model already has 50 identical deployments; name it with model_info.switchboard_deployment.',
        );
    }
    const created = await this.deployments.create({ ...read.deployment, name, enabled: true }, actor);
    return { model_id: created.id, ...toLiteLLMModel(created), warnings };
  }

  async list(id: string | undefined): Promise<{ data: LiteLLMModel[] }> {
    const all: Deployment[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deployments.list({ limit: 500, cursor });
      all.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { data: all.filter((d) => id === undefined || d.id === id || d.name === id).map(toLiteLLMModel) };
  }

  /** `id` is the deployment id (`model_info.id`), or its name. */
  async delete(idOrName: string, actor: string): Promise<{ message: string }> {
    const id = await this.repo.findDeploymentId(idOrName);
    if (!id) throw new AdminError(404, 'not_found', `There is no model with id '${idOrName}'.`);
    await this.deployments.remove(id, actor);
    return { message: `Model: ${id} deleted successfully` };
  }
}

/** A deployment in LiteLLM's shape; the key is never included (LiteLLM masks it too). */
function toLiteLLMModel(d: Deployment): LiteLLMModel {
  const params: Record<string, unknown> = { model: `${EXPORT_PREFIX[d.provider]}/${d.model}` };
  if (d.apiBase !== null) params.api_base = d.apiBase;
  if (d.apiVersion !== null) params.api_version = d.apiVersion;
  if (d.rpmLimit !== null) params.rpm = d.rpmLimit;
  if (d.tpmLimit !== null) params.tpm = d.tpmLimit;
  if (d.weight !== null) params.weight = d.weight;
  if (d.priority !== 0) params.order = d.priority;
  if (d.timeoutMs !== null) params.timeout = d.timeoutMs / 1000;
  if (d.tags.length > 0) params.tags = d.tags;
  return {
    model_name: d.modelGroup,
    litellm_params: params,
    model_info: {
      id: d.id,
      switchboard_deployment: d.name,
      db_model: true,
      enabled: d.enabled,
      api_key_hint: d.apiKeyHint,
      status: d.state.status,
    },
  };
}
