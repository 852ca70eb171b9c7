import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { ImportPlan } from '@switchboard/contracts';
import { CORE_SCHEMA, load, mergeTag, YAMLException } from 'js-yaml';
import { AuditService } from '../audit/audit.service';
import { SecretBox, safeEqual } from '../common/crypto';
import { AdminError } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DeploymentService } from '../deployments/deployment.service';
import { ModelGroupService } from '../model-groups/model-group.service';
import { type EnvLookup, readLiteLLMConfig } from './litellm-config.reader';
import { writeLiteLLMConfig } from './litellm-export.writer';
import { type ImportChange, type ImportOperations, planImport, summarise } from './litellm-import.plan';
import { LiteLLMImportRepository } from './litellm-import.repository';

// LiteLLM configs often share settings through anchors and `<<:` merge keys.
const YAML_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/** `os.environ/NAME` in an imported file reads the gateway's own environment, at import time. */
export const processEnv: EnvLookup = (name) => process.env[name];

/** Parses YAML (JSON is YAML too); a syntax error is the client's, with line and column. */
export function parseConfigText(text: string): unknown {
  if (text.trim() === '') throw new AdminError(400, 'invalid_yaml', 'The config is empty.');
  try {
    return load(text, { schema: YAML_SCHEMA });
  } catch (err) {
    if (err instanceof YAMLException) {
      throw new AdminError(
        400,
        'invalid_yaml',
        `The config is not valid YAML: ${err.message.split('\n')[0]}`,
      );
    }
    throw new AdminError(400, 'invalid_yaml', 'The config is not valid YAML.');
  }
}

/**
 * LiteLLM `config.yaml` import and export. Writes go through DeploymentService and ModelGroupService, so
 * every change is validated, audited and reloaded into the live router exactly as a console edit is. Each
 * of those writes is its own transaction (with its audit event); the whole plan is validated before the
 * first write, so a failure part-way is an outside race (e.g. a concurrent rename), and importing the
 * same file again finishes the job because the import is idempotent.
 */
@Injectable()
export class LiteLLMImportService {
  private readonly box: SecretBox;

  constructor(
    private readonly repo: LiteLLMImportRepository,
    private readonly audit: AuditService,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.encryptionKey);
  }

  async import(
    text: string,
    dryRun: boolean,
    actor: string,
    env: EnvLookup = processEnv,
  ): Promise<ImportPlan> {
    const imported = readLiteLLMConfig(parseConfigText(text), env);
    const current = await this.repo.findStateForImport(
      imported.groups.map((g) => g.name),
      imported.deployments.map((d) => d.name),
    );
    const planned = planImport(imported, current, (encrypted, key) => this.sameKey(encrypted, key));
    const changes = [...planned.changes];
    const warnings = [...planned.warnings];
    if (imported.masterKey !== null) {
      if (safeEqual(imported.masterKey, this.config.masterKey)) {
        changes.push({
          action: 'unchanged',
          kind: 'masterKey',
          name: 'general_settings.master_key',
          fields: [],
        });
      } else {
        warnings.push(
          "general_settings.master_key differs from this gateway's master key. Switchboard cannot change its master key while running: to keep the LiteLLM one, set MASTER_KEY to it in the gateway's environment and restart.",
        );
      }
    }
    if (!dryRun)
      await this.apply(
        planned.operations,
        current.groups.map((g) => g.name),
        changes,
        actor,
      );
    return { dryRun, changes, warnings, summary: summarise(changes) };
  }

  async export(): Promise<string> {
    const { groups, deployments } = await this.repo.findAllForExport();
    return writeLiteLLMConfig(groups, deployments);
  }

  /** Compares in memory only; a key that no longer decrypts (ENCRYPTION_KEY changed) counts as different. */
  private sameKey(encrypted: string | null, key: string | null): boolean {
    if (encrypted === null || key === null) return encrypted === key;
    try {
      return safeEqual(this.box.decrypt(encrypted), key);
    } catch {
      return false;
    }
  }

  private async apply(
    ops: ImportOperations,
    existingGroups: string[],
    changes: ImportChange[],
    actor: string,
  ): Promise<void> {
    const groups = this.moduleRef.get(ModelGroupService, { strict: false });
    const deployments = this.moduleRef.get(DeploymentService, { strict: false });
    const exists = new Set(existingGroups);
    // A new group may fall back to another new one: create those first; a cycle is closed afterwards.
    const pending = [...ops.createGroups];
    const deferred: { name: string; fallbacks: string[] }[] = [];
    while (pending.length > 0) {
      const ready = pending.findIndex((g) => g.fallbacks.every((f) => exists.has(f)));
      const [group] = pending.splice(Math.max(ready, 0), 1);
      if (!group) break;
      if (ready === -1) deferred.push({ name: group.name, fallbacks: group.fallbacks });
      await groups.create({ ...group, fallbacks: group.fallbacks.filter((f) => exists.has(f)) }, actor);
      exists.add(group.name);
    }
    for (const { name, patch } of ops.updateGroups) await groups.update(name, patch, actor);
    for (const d of ops.createDeployments) await deployments.create(d, actor);
    for (const { id, patch } of ops.updateDeployments) await deployments.update(id, patch, actor);
    for (const { name, fallbacks } of deferred) await groups.update(name, { fallbacks }, actor);

    const applied = changes.filter((c) => c.action !== 'unchanged');
    if (applied.length > 0) {
      await this.audit.record({
        actor,
        action: 'config.import',
        targetType: 'config',
        targetId: null,
        before: null,
        after: { format: 'litellm', summary: summarise(changes), changes: applied },
      });
    }
  }
}
