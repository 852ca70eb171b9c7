import { Inject, Injectable } from '@nestjs/common';
import {
  type AlertChannel,
  type AlertChannelKind,
  type AlertEvent,
  type AlertRule,
  type AlertRuleKind,
  type AlertTestResult,
  type alertChannelListSchema,
  type alertEventListQuerySchema,
  type alertEventPageSchema,
  type alertRuleListSchema,
  createAlertRuleSchema,
  type createAlertChannelSchema,
  type updateAlertChannelSchema,
  type updateAlertRuleSchema,
} from '@switchboard/contracts';
import type { z } from 'zod';
import { AuditService } from '../audit/audit.service';
import { type Clock, CLOCK } from '../common/clock';
import { SecretBox } from '../common/crypto';
import { AdminError } from '../common/errors';
import { decodeCursor, invalidCursor, pageFrom } from '../common/page-cursor';
import type {
  AlertChannel as ChannelRow,
  AlertEvent as EventRow,
  AlertRule as RuleRow,
  AlertState as StateRow,
} from '../generated/prisma/client';
import { alertMessage, type AlertNotice } from './alert-message';
import { AlertEvaluator } from './alert-evaluator.service';
import { AlertSender } from './alert-sender';
import { webhookUrlHint } from './alert-url';
import { AlertsRepository, type AlertWrite, type RuleData } from './alerts.repository';

export type CreateAlertChannelInput = z.output<typeof createAlertChannelSchema>;
export type UpdateAlertChannelInput = z.output<typeof updateAlertChannelSchema>;
export type CreateAlertRuleInput = z.output<typeof createAlertRuleSchema>;
export type UpdateAlertRuleInput = z.output<typeof updateAlertRuleSchema>;
export type AlertEventListQuery = z.output<typeof alertEventListQuerySchema>;
export type AlertEventPage = z.output<typeof alertEventPageSchema>;
export type AlertChannelList = z.output<typeof alertChannelListSchema>;
export type AlertRuleList = z.output<typeof alertRuleListSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The admin API over alert channels, rules and their history; "Send test". */
@Injectable()
export class AlertsService {
  constructor(
    private readonly repo: AlertsRepository,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    private readonly sender: AlertSender,
    private readonly evaluator: AlertEvaluator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  // ---------- channels ----------
  async listChannels(): Promise<AlertChannelList> {
    return { data: (await this.repo.findChannels()).map(toChannel) };
  }

  async createChannel(input: CreateAlertChannelInput, actor: string): Promise<AlertChannel> {
    const { url, ...fields } = input;
    const created = await this.repo.createChannel({ ...fields, ...this.sealUrl(url) }, (w) =>
      this.recordChannel(actor, 'alert_channel.create', w),
    );
    return toChannel(created);
  }

  /** A new `url` replaces the stored one; leaving it out keeps it. */
  async updateChannel(id: string, patch: UpdateAlertChannelInput, actor: string): Promise<AlertChannel> {
    const { url, ...fields } = patch;
    const updated = UUID.test(id)
      ? await this.repo.updateChannel(
          id,
          { ...fields, ...(url !== undefined ? this.sealUrl(url) : {}) },
          (w) => this.recordChannel(actor, 'alert_channel.update', w),
        )
      : null;
    if (!updated) throw channelNotFound(id);
    return toChannel(updated);
  }

  async deleteChannel(id: string, actor: string): Promise<void> {
    const deleted = UUID.test(id)
      ? await this.repo.deleteChannel(id, (w) => this.recordChannel(actor, 'alert_channel.delete', w))
      : null;
    if (!deleted) throw channelNotFound(id);
  }

  /**
   * Sends a test notification now (also to a disabled channel) and records it in the history. A receiver
   * that fails or cannot be reached is the answer's `ok: false`, never an error of this API.
   */
  async testChannel(id: string): Promise<AlertTestResult> {
    const channel = UUID.test(id) ? await this.repo.findChannel(id) : null;
    if (!channel) throw channelNotFound(id);
    const notice: AlertNotice = {
      state: 'test',
      rule: null,
      subject: null,
      value: null,
      threshold: null,
      at: new Date(this.clock.now()),
      channelName: channel.name,
    };
    const message = alertMessage(notice);
    const delivery = await this.sender.send(
      channel.kind as AlertChannelKind,
      this.box.decrypt(channel.urlEncrypted),
      notice,
    );
    await this.repo.insertEvent({
      ruleId: null,
      ruleName: null,
      channelId: channel.id,
      channelName: channel.name,
      state: 'test',
      subject: null,
      message,
      delivery: delivery.ok ? 'delivered' : 'failed',
      responseStatus: delivery.status,
      error: delivery.error,
    });
    return {
      ok: delivery.ok,
      status: delivery.status,
      message: delivery.ok
        ? `Delivered: the receiver answered HTTP ${delivery.status ?? ''}.`
        : (delivery.error ?? 'Not delivered.'),
    };
  }

  // ---------- rules ----------
  async listRules(): Promise<AlertRuleList> {
    const rules = await this.repo.findRules();
    const states = await this.repo.findStates(rules.map((r) => r.id));
    const names = await this.subjectNames(rules, states);
    return { data: rules.map((r) => toRule(r, states, names)) };
  }

  async createRule(input: CreateAlertRuleInput, actor: string): Promise<AlertRule> {
    const data = await this.checkedRule(input);
    const created = await this.repo.createRule(data, (w) => this.recordRule(actor, 'alert_rule.create', w));
    return this.withState(created);
  }

  /** Only the fields sent change; the rule as it would be is checked as a whole. */
  async updateRule(id: string, patch: UpdateAlertRuleInput, actor: string): Promise<AlertRule> {
    const current = UUID.test(id) ? await this.repo.findRule(id) : null;
    if (!current) throw ruleNotFound(id);
    const merged = createAlertRuleSchema.parse({ ...ruleFields(current), ...patch });
    const data = await this.checkedRule(merged);
    const updated = await this.repo.updateRule(id, data, (w) =>
      this.recordRule(actor, 'alert_rule.update', w),
    );
    if (!updated) throw ruleNotFound(id);
    const { before, after, retired } = updated;
    this.evaluator.retire(
      before,
      retired,
      before.enabled && !after.enabled ? 'rule_disabled' : 'rule_changed',
    );
    return this.withState(after);
  }

  async deleteRule(id: string, actor: string): Promise<void> {
    const deleted = UUID.test(id)
      ? await this.repo.deleteRule(id, (w) => this.recordRule(actor, 'alert_rule.delete', w))
      : null;
    if (!deleted) throw ruleNotFound(id);
    this.evaluator.retire(deleted.before, deleted.retired, 'rule_deleted');
  }

  // ---------- history ----------
  async listEvents(query: AlertEventListQuery): Promise<AlertEventPage> {
    const cursor = decodeCursor(query.cursor);
    if (cursor !== null && !/^\d{1,19}$/.test(cursor)) throw invalidCursor();
    const rows = await this.repo.findEventsPage(
      query.ruleId,
      cursor === null ? null : BigInt(cursor),
      query.limit + 1,
    );
    const page = pageFrom(rows, query.limit, (e) => e.id.toString());
    return { data: page.rows.map(toEvent), nextCursor: page.nextCursor };
  }

  // ---------- helpers ----------
  private sealUrl(url: string): { urlEncrypted: string; urlHint: string } {
    return { urlEncrypted: this.box.encrypt(url), urlHint: webhookUrlHint(url) };
  }

  /** The rule's fields as stored, after the checks that need the database (clear 400s). */
  private async checkedRule(input: CreateAlertRuleInput): Promise<RuleData> {
    const kind = input.kind;
    if (kind === 'project.budget') {
      throw invalid('kind', 'projects have no budget; use key.budget (keys carry the budgets)');
    }
    if (input.target !== null) await this.checkTarget(kind, input.target);
    const channelIds = [...new Set(input.channelIds)];
    const found = await this.repo.findChannelsByIds(channelIds);
    const missing = channelIds.filter((id) => !found.some((c) => c.id === id));
    if (missing.length > 0) throw invalid('channelIds', `no alert channel has the id ${missing.join(', ')}`);
    const usesRate = kind === 'deployment.error_rate' || kind === 'group.error_rate';
    return {
      name: input.name,
      kind,
      target: input.target,
      threshold: kind === 'deployment.cooldown' ? null : input.threshold,
      windowMinutes: usesRate ? input.windowMinutes : 5,
      minRequests: usesRate ? input.minRequests : 10,
      channelIds,
      enabled: input.enabled,
    };
  }

  private async checkTarget(kind: AlertRuleKind, target: string): Promise<void> {
    switch (kind) {
      case 'deployment.cooldown':
      case 'deployment.error_rate':
        if (!UUID.test(target) || (await this.repo.deploymentName(target)) === null) {
          throw invalid('target', `no deployment has the id '${target}'`);
        }
        return;
      case 'group.error_rate':
        if (!(await this.repo.groupExists(target)))
          throw invalid('target', `no model group is named '${target}'`);
        return;
      case 'key.budget':
        if (!UUID.test(target) || (await this.repo.keyName(target)) === null) {
          throw invalid('target', `no virtual key has the id '${target}'`);
        }
        return;
      case 'project.budget':
        return;
    }
  }

  private async withState(rule: RuleRow): Promise<AlertRule> {
    const states = await this.repo.findStates([rule.id]);
    return toRule(rule, states, await this.subjectNames([rule], states));
  }

  /** Names of rule targets and firing subjects (deployments and keys by id; groups are their name). */
  private async subjectNames(
    rules: readonly RuleRow[],
    states: readonly StateRow[],
  ): Promise<Map<string, string>> {
    const kindOf = new Map(rules.map((r) => [r.id, r.kind]));
    const ids = { deployment: new Set<string>(), key: new Set<string>() };
    const add = (kind: string | undefined, id: string | null) => {
      if (id === null || !UUID.test(id)) return;
      if (kind?.startsWith('deployment.')) ids.deployment.add(id);
      if (kind === 'key.budget') ids.key.add(id);
    };
    for (const r of rules) add(r.kind, r.target);
    for (const s of states) add(kindOf.get(s.ruleId), s.subject);
    const [deployments, keys] = await Promise.all([
      this.repo.deploymentNames([...ids.deployment]),
      this.repo.keyNames([...ids.key]),
    ]);
    return new Map([...deployments, ...keys]);
  }

  private async recordChannel(actor: string, action: string, w: AlertWrite<ChannelRow>): Promise<void> {
    await this.audit.record(
      {
        actor,
        action,
        targetType: 'alert_channel',
        targetId: (w.after ?? w.before)?.id ?? null,
        before: w.before && channelSnapshot(w.before),
        after: w.after && channelSnapshot(w.after),
      },
      w.tx,
    );
  }

  private async recordRule(actor: string, action: string, w: AlertWrite<RuleRow>): Promise<void> {
    await this.audit.record(
      {
        actor,
        action,
        targetType: 'alert_rule',
        targetId: (w.after ?? w.before)?.id ?? null,
        before: w.before && { id: w.before.id, ...ruleFields(w.before) },
        after: w.after && { id: w.after.id, ...ruleFields(w.after) },
      },
      w.tx,
    );
  }
}

function invalid(path: string, message: string): AdminError {
  return new AdminError(400, 'validation_failed', `Invalid request: ${path}: ${message}`, [
    { path, message },
  ]);
}

function channelNotFound(id: string): AdminError {
  return new AdminError(404, 'not_found', `There is no alert channel with the id '${id}'.`);
}

function ruleNotFound(id: string): AdminError {
  return new AdminError(404, 'not_found', `There is no alert rule with the id '${id}'.`);
}

/** What the audit log keeps of a channel: never the URL, only its hint. */
function channelSnapshot(c: ChannelRow) {
  return { id: c.id, name: c.name, kind: c.kind, urlHint: c.urlHint, enabled: c.enabled };
}

function ruleFields(r: RuleRow) {
  return {
    name: r.name,
    kind: r.kind as AlertRuleKind,
    target: r.target,
    threshold: r.threshold,
    windowMinutes: r.windowMinutes,
    minRequests: r.minRequests,
    channelIds: r.channelIds,
    enabled: r.enabled,
  };
}

function toChannel(c: ChannelRow): AlertChannel {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind as AlertChannelKind,
    urlHint: c.urlHint,
    enabled: c.enabled,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function toRule(r: RuleRow, states: readonly StateRow[], names: ReadonlyMap<string, string>): AlertRule {
  return {
    id: r.id,
    ...ruleFields(r),
    targetName: r.target === null ? null : (names.get(r.target) ?? r.target),
    firing: states
      .filter((s) => s.ruleId === r.id)
      .map((s) => ({
        subject: s.subject,
        subjectName: names.get(s.subject) ?? s.subject,
        since: s.firingSince.toISOString(),
        value: s.lastValue,
      })),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toEvent(e: EventRow): AlertEvent {
  return {
    id: e.id.toString(),
    createdAt: e.createdAt.toISOString(),
    ruleId: e.ruleId,
    ruleName: e.ruleName,
    channelId: e.channelId,
    channelName: e.channelName,
    state: e.state as AlertEvent['state'],
    subject: e.subject,
    message: e.message,
    delivery: e.delivery as AlertEvent['delivery'],
    responseStatus: e.responseStatus,
    error: e.error,
  };
}
