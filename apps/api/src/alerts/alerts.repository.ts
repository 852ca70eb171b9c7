import { Injectable } from '@nestjs/common';
import { AdminError } from '../common/errors';
import { PrismaService } from '../database/prisma.service';
import {
  type AlertChannel,
  type AlertEvent,
  type AlertRule,
  type AlertState,
  Prisma,
} from '../generated/prisma/client';
import type { KeySpend, RateTotals } from './alert-rules';

/** A change about to commit: the audit callback writes its event in the same transaction. */
export interface AlertWrite<T> {
  tx: Prisma.TransactionClient;
  before: T | null;
  after: T | null;
}
type OnWrite<T> = (w: AlertWrite<T>) => Promise<void>;

export type ChannelData = Pick<AlertChannel, 'name' | 'kind' | 'urlEncrypted' | 'urlHint' | 'enabled'>;
export type RuleData = Pick<
  AlertRule,
  'name' | 'kind' | 'target' | 'threshold' | 'windowMinutes' | 'minRequests' | 'channelIds' | 'enabled'
>;
export type NewAlertEvent = Omit<AlertEvent, 'id' | 'createdAt'>;

/**
 * Held (for the transaction) by the instance evaluating alert rules: 'SWAL' (Switchboard alerts). Other
 * instances skip the tick instead of waiting.
 */
export const EVALUATION_LOCK = 0x5357414c;
/** A tick sends at most a few notifications of 5 s each; past this the lock is let go. */
const EVALUATION_TIMEOUT_MS = 120_000;

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';
}

/** Only repositories touch Prisma: alert channels, rules, their firing state and history. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly prisma: PrismaService) {}

  // ---------- channels ----------
  findChannels(): Promise<AlertChannel[]> {
    return this.prisma.alertChannel.findMany({ orderBy: { name: 'asc' } });
  }

  findChannel(id: string): Promise<AlertChannel | null> {
    return this.prisma.alertChannel.findUnique({ where: { id } });
  }

  findChannelsByIds(ids: readonly string[]): Promise<AlertChannel[]> {
    return this.prisma.alertChannel.findMany({ where: { id: { in: [...ids] } } });
  }

  createChannel(data: ChannelData, onWrite: OnWrite<AlertChannel>): Promise<AlertChannel> {
    return this.conflicts('An alert channel', data.name, () =>
      this.prisma.$transaction(async (tx) => {
        const after = await tx.alertChannel.create({ data });
        await onWrite({ tx, before: null, after });
        return after;
      }),
    );
  }

  updateChannel(
    id: string,
    data: Partial<ChannelData>,
    onWrite: OnWrite<AlertChannel>,
  ): Promise<AlertChannel | null> {
    return this.conflicts('An alert channel', data.name, () =>
      this.prisma.$transaction(async (tx) => {
        const before = await tx.alertChannel.findUnique({ where: { id } });
        if (!before) return null;
        const after = await tx.alertChannel.update({ where: { id }, data });
        await onWrite({ tx, before, after });
        return after;
      }),
    );
  }

  /** Deletes the channel and takes it out of every rule that sends to it. */
  deleteChannel(id: string, onWrite: OnWrite<AlertChannel>): Promise<AlertChannel | null> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.alertChannel.findUnique({ where: { id } });
      if (!before) return null;
      await tx.alertChannel.delete({ where: { id } });
      await tx.$executeRaw`UPDATE "AlertRule" SET "channelIds" = array_remove("channelIds", ${id}::uuid)
        WHERE ${id}::uuid = ANY("channelIds")`;
      await onWrite({ tx, before, after: null });
      return before;
    });
  }

  // ---------- rules ----------
  findRules(): Promise<AlertRule[]> {
    return this.prisma.alertRule.findMany({ orderBy: { name: 'asc' } });
  }

  findEnabledRules(): Promise<AlertRule[]> {
    return this.prisma.alertRule.findMany({ where: { enabled: true }, orderBy: { createdAt: 'asc' } });
  }

  findRule(id: string): Promise<AlertRule | null> {
    return this.prisma.alertRule.findUnique({ where: { id } });
  }

  createRule(data: RuleData, onWrite: OnWrite<AlertRule>): Promise<AlertRule> {
    return this.conflicts('An alert rule', data.name, () =>
      this.prisma.$transaction(async (tx) => {
        const after = await tx.alertRule.create({ data });
        await onWrite({ tx, before: null, after });
        return after;
      }),
    );
  }

  /**
   * Saves the rule. When what it watches changed (or it was disabled), its firing subjects are taken out
   * of the state and returned as `retired`, for the caller to send their "resolved"; the next evaluation
   * starts from what fires then.
   */
  updateRule(
    id: string,
    data: RuleData,
    onWrite: OnWrite<AlertRule>,
  ): Promise<{ before: AlertRule; after: AlertRule; retired: string[] } | null> {
    return this.conflicts('An alert rule', data.name, () =>
      this.prisma.$transaction(async (tx) => {
        const before = await tx.alertRule.findUnique({ where: { id } });
        if (!before) return null;
        const after = await tx.alertRule.update({ where: { id }, data });
        const retired = watchChanged(before, after) ? await takeStates(tx, id) : [];
        await onWrite({ tx, before, after });
        return { before, after, retired };
      }),
    );
  }

  /** Deletes the rule; its firing subjects are returned as `retired`, for the caller to send "resolved". */
  deleteRule(
    id: string,
    onWrite: OnWrite<AlertRule>,
  ): Promise<{ before: AlertRule; retired: string[] } | null> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.alertRule.findUnique({ where: { id } });
      if (!before) return null;
      await tx.alertRule.delete({ where: { id } });
      const retired = await takeStates(tx, id);
      await onWrite({ tx, before, after: null });
      return { before, retired };
    });
  }

  // ---------- firing state ----------
  findStates(ruleIds: readonly string[]): Promise<AlertState[]> {
    return this.prisma.alertState.findMany({
      where: { ruleId: { in: [...ruleIds] } },
      orderBy: { firingSince: 'asc' },
    });
  }

  /** Records that the subject started firing; false when it already was (someone else sends). */
  async claimFiring(ruleId: string, subject: string, since: Date, value: number | null): Promise<boolean> {
    const { count } = await this.prisma.alertState.createMany({
      data: [{ ruleId, subject, firingSince: since, lastValue: value }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /** Forgets the firing subject; false when it was already gone (someone else sends "resolved"). */
  async releaseFiring(ruleId: string, subject: string): Promise<boolean> {
    const { count } = await this.prisma.alertState.deleteMany({ where: { ruleId, subject } });
    return count === 1;
  }

  /** States of rules that are disabled or gone: those rules send nothing more. */
  async deleteOrphanStates(enabledRuleIds: readonly string[]): Promise<void> {
    await this.prisma.alertState.deleteMany({ where: { ruleId: { notIn: [...enabledRuleIds] } } });
  }

  // ---------- history ----------
  async insertEvent(event: NewAlertEvent): Promise<void> {
    await this.prisma.alertEvent.create({ data: event });
  }

  /** Newest first; `beforeId` is the last id of the previous page. */
  findEventsPage(ruleId: string | undefined, beforeId: bigint | null, take: number): Promise<AlertEvent[]> {
    return this.prisma.alertEvent.findMany({
      where: { ...(ruleId ? { ruleId } : {}), ...(beforeId !== null ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take,
    });
  }

  // ---------- what rules watch ----------
  /** Attempts per deployment since `since` (a client hanging up is neither an attempt nor a failure). */
  async attemptTotals(since: Date): Promise<RateTotals[]> {
    const rows = await this.prisma.$queryRaw<
      { id: string; name: string | null; total: bigint; failed: bigint }[]
    >`
      SELECT "deploymentId"::text AS id, max("deploymentName") AS name,
        sum(attempts) FILTER (WHERE outcome <> 'client_closed')::bigint AS total,
        sum(attempts) FILTER (WHERE outcome NOT IN ('ok', 'client_closed'))::bigint AS failed
      FROM "AttemptRollup" WHERE bucket >= ${since}
      GROUP BY "deploymentId"`;
    return rows.map((r) => ({
      id: r.id,
      name: r.name ?? r.id,
      total: Number(r.total ?? 0),
      failed: Number(r.failed ?? 0),
    }));
  }

  /** Requests and failed requests (status ≥ 400) per model group since `since`. */
  async groupTotals(since: Date): Promise<RateTotals[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; total: bigint; failed: bigint }[]>`
      SELECT "modelGroup" AS id, sum(requests)::bigint AS total, sum(errors)::bigint AS failed
      FROM "UsageRollup" WHERE bucket >= ${since}
      GROUP BY "modelGroup"`;
    return rows.map((r) => ({ id: r.id, name: r.id, total: Number(r.total), failed: Number(r.failed) }));
  }

  /** Active keys with a budget, with what they spent in the current period (0 once it has ended). */
  async keySpends(now: Date): Promise<KeySpend[]> {
    const keys = await this.prisma.virtualKey.findMany({
      where: { maxBudgetUsd: { not: null }, revokedAt: null },
      select: {
        id: true,
        alias: true,
        prefix: true,
        maxBudgetUsd: true,
        periodSpendUsd: true,
        budgetResetAt: true,
      },
    });
    return keys.map((k) => ({
      id: k.id,
      name: k.alias ?? k.prefix,
      maxBudgetUsd: k.maxBudgetUsd ?? 0,
      spentUsd: k.budgetResetAt !== null && k.budgetResetAt <= now ? 0 : k.periodSpendUsd,
    }));
  }

  async deploymentName(id: string): Promise<string | null> {
    return (await this.prisma.deployment.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
  }

  async groupExists(name: string): Promise<boolean> {
    return (await this.prisma.modelGroup.count({ where: { name } })) > 0;
  }

  async keyName(id: string): Promise<string | null> {
    const key = await this.prisma.virtualKey.findUnique({
      where: { id },
      select: { alias: true, prefix: true },
    });
    return key ? (key.alias ?? key.prefix) : null;
  }

  async deploymentNames(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.deployment.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, name: true },
    });
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  async keyNames(ids: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.virtualKey.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, alias: true, prefix: true },
    });
    return new Map(rows.map((r) => [r.id, r.alias ?? r.prefix]));
  }

  // ---------- one evaluator at a time ----------
  /**
   * Runs `work` while holding the evaluation lock (a transaction-scoped advisory lock); returns false
   * without running it when another instance holds the lock.
   */
  async withEvaluationLock(work: () => Promise<void>): Promise<boolean> {
    return this.prisma.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<
          { locked: boolean }[]
        >`SELECT pg_try_advisory_xact_lock(${EVALUATION_LOCK}::bigint) AS locked`;
        if (!row?.locked) return false;
        await work();
        return true;
      },
      { timeout: EVALUATION_TIMEOUT_MS, maxWait: 5_000 },
    );
  }

  private async conflicts<T>(what: string, name: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AdminError(409, 'conflict', `${what} named '${name ?? ''}' already exists.`);
      throw err;
    }
  }
}

/** Whether a rule now watches something else (then its stored firing subjects mean nothing). */
/** Removes the rule's firing subjects inside `tx` and returns exactly those removed (one statement). */
async function takeStates(tx: Prisma.TransactionClient, ruleId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ subject: string }[]>`
    DELETE FROM "AlertState" WHERE "ruleId" = ${ruleId}::uuid RETURNING subject`;
  return rows.map((r) => r.subject);
}

function watchChanged(before: AlertRule, after: AlertRule): boolean {
  return (
    before.kind !== after.kind ||
    before.target !== after.target ||
    before.threshold !== after.threshold ||
    before.windowMinutes !== after.windowMinutes ||
    before.minRequests !== after.minRequests ||
    before.enabled !== after.enabled
  );
}
