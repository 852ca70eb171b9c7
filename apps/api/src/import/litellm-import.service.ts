import { Inject, Injectable } from '@nestjs/common';
import { type ImportPlan, nameSchema, parseDotenv } from '@switchboard/contracts';
import { CORE_SCHEMA, load, mergeTag, YAMLException } from 'js-yaml';
import { AuditService } from '../audit/audit.service';
import { SecretBox, safeEqual } from '../common/crypto';
import { AdminError } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DeploymentService } from '../deployments/deployment.service';
import { UnitOfWork } from '../database/unit-of-work';
import { ModelGroupService } from '../model-groups/model-group.service';
import { type EnvLookup, type LiteLLMImport, readLiteLLMConfig } from './litellm-config.reader';
import { writeLiteLLMConfig } from './litellm-export.writer';
import { type ImportChange, type ImportOperations, planImport, summarise } from './litellm-import.plan';
import { LiteLLMImportRepository } from './litellm-import.repository';

// LiteLLM configs often share settings through anchors and `<<:` merge keys.
const YAML_SCHEMA = CORE_SCHEMA.withTags(mergeTag);

/** What comes with the file: values for its `os.environ/NAME` references, and deployment renames. */
export interface ImportInputs {
  env?: Record<string, string>;
  /** A pasted `.env` block; `env` wins over it. */
  dotenv?: string;
  /** Proposed deployment name → the name the operator chose. */
  names?: Record<string, string>;
}

/**
 * References resolve only from what the importer supplied. Never from `process.env`: that holds this
 * gateway's own secrets (ENCRYPTION_KEY, MASTER_KEY, DATABASE_URL), and the file picks the api_base
 * the key is sent to.
 */
export function suppliedEnv(inputs: ImportInputs): EnvLookup {
  const dotenv = parseDotenv(inputs.dotenv ?? '');
  if (dotenv.invalid.length > 0) {
    throw new AdminError(
      400,
      'invalid_dotenv',
      `The .env block has lines that are not NAME=value: line ${dotenv.invalid.join(', ')}.`,
    );
  }
  const values = new Map(Object.entries({ ...dotenv.values, ...(inputs.env ?? {}) }));
  return (name) => values.get(name);
}

/** Applies the operator's renames; a rename that names nothing is a warning, a clash a refusal. */
function renameDeployments(imported: LiteLLMImport, names: Record<string, string>): void {
  // A Map, so a deployment called `constructor` never finds Object.prototype's.
  const renames = new Map(Object.entries(names).map(([from, to]) => [from, to.trim()]));
  const renamed = (name: string) => renames.get(name) || name;
  for (const [from, to] of renames) {
    const parsed = nameSchema.safeParse(to);
    if (!parsed.success)
      throw new AdminError(400, 'validation_failed', `names.${from}: ${parsed.error.issues[0]?.message}`);
    if (!imported.deployments.some((d) => d.name === from) && !imported.skipped.some((d) => d.name === from))
      imported.warnings.push(`names: the file has no deployment '${from}' to rename; ignored.`);
  }
  const used = new Set<string>();
  for (const d of imported.deployments) {
    const to = renamed(d.name);
    if (to !== d.name) Object.assign(d, { proposedName: d.name, name: to, aliases: [] });
    if (used.has(d.name))
      throw new AdminError(400, 'conflict', `Two deployments would be named '${d.name}'; rename one.`);
    used.add(d.name);
  }
  for (const d of imported.skipped) d.name = renamed(d.name);
  for (const u of imported.unresolved) u.deployments = u.deployments.map(renamed);
}

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
 * every change is validated and audited exactly as a console edit is, and the whole import is ONE
 * transaction (a unit of work): a failure part-way (a concurrent rename, the database refusing a row)
 * leaves nothing of it behind, and the router reloads once, after the commit.
 */
@Injectable()
export class LiteLLMImportService {
  constructor(
    private readonly box: SecretBox,
    private readonly repo: LiteLLMImportRepository,
    private readonly audit: AuditService,
    private readonly groups: ModelGroupService,
    private readonly deployments: DeploymentService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async import(text: string, dryRun: boolean, actor: string, inputs: ImportInputs = {}): Promise<ImportPlan> {
    const env = suppliedEnv(inputs);
    const imported = readLiteLLMConfig(parseConfigText(text), env);
    renameDeployments(imported, inputs.names ?? {});
    const current = await this.repo.findStateForImport(
      imported.groups.map((g) => g.name),
      imported.deployments.flatMap((d) => [d.name, ...d.aliases]),
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
          diff: [],
        });
      } else {
        warnings.push(
          "general_settings.master_key differs from this gateway's master key. Switchboard cannot change its master key while running: to keep the LiteLLM one, set MASTER_KEY to it in the gateway's environment and restart.",
        );
      }
    }
    if (!dryRun) {
      const existing = current.groups.map((g) => g.name);
      await this.unitOfWork.run(() => this.apply(planned.operations, existing, changes, actor));
    }
    const unresolved = imported.unresolved;
    const skipped = imported.skipped.map((d) => ({
      kind: 'deployment' as const,
      name: d.name,
      modelGroup: d.modelGroup,
      reason: `needs ${d.variables.map((v) => `os.environ/${v}`).join(', ')}, which ${d.variables.length === 1 ? 'was' : 'were'} not supplied`,
    }));
    return { dryRun, changes, warnings, summary: summarise(changes), unresolved, skipped };
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
    const { groups, deployments } = this;
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
