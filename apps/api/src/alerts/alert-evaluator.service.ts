import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { AlertChannelKind, AlertRuleKind } from '@switchboard/contracts';
import { type Clock, CLOCK } from '../common/clock';
import { SecretBox } from '../common/crypto';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { AlertChannel, AlertRule } from '../generated/prisma/client';
import { Router } from '../routing/router';
import { RouterRegistry } from '../routing/router-registry';
import {
  alertMessage,
  type AlertNotice,
  type AlertSubject,
  type RetireReason,
  subjectType,
} from './alert-message';
import { budgetFirings, cooldownFirings, errorRateFirings, type Firing, reconcile } from './alert-rules';
import { AlertSender } from './alert-sender';
import { AlertsRepository } from './alerts.repository';

/**
 * Evaluates the enabled alert rules every `alertEvaluationIntervalMs` and sends "firing" once when a subject
 * starts firing and "resolved" once when it stops, to each of the rule's channels. One instance per tick
 * (an advisory lock); the firing subjects live in AlertState, so restarts and other instances agree.
 */
@Injectable()
export class AlertEvaluator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopping = false;
  /** Cancels deliveries still waiting at shutdown. */
  private readonly abort = new AbortController();
  /** Ticks this instance tried / evaluated (held the lock): for tests and debugging. */
  readonly counts = { ticks: 0, evaluated: 0 };
  /** "Resolved" notices of retired subjects still being sent (see retire()). */
  private readonly retiring = new Set<Promise<void>>();

  constructor(
    private readonly repo: AlertsRepository,
    private readonly sender: AlertSender,
    private readonly box: SecretBox,
    private readonly router: Router,
    private readonly registry: RouterRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** No new tick; a tick under way stops between deliveries and its pending deliveries are cancelled. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await Promise.all([this.inFlight, ...this.retiring]);
  }

  /**
   * Sends "resolved" (saying why) for the subjects `rule` had firing when it was changed, disabled or
   * deleted, so no receiver is left with an alert that never ends. In the background: the admin request
   * that retired them does not wait for webhooks. Delivered and failed sends are in the history as usual.
   */
  retire(rule: AlertRule, subjects: readonly string[], reason: RetireReason): void {
    if (subjects.length === 0 || this.stopping) return;
    const run = this.sendRetired(rule, subjects, reason)
      .catch((err: unknown) => {
        if (!this.stopping)
          this.logger.error(
            `could not send "resolved" for rule ${rule.name}: ${err instanceof Error ? err.message : String(err)}`,
          );
      })
      .finally(() => this.retiring.delete(run));
    this.retiring.add(run);
  }

  /** Resolves once every retirement under way has been sent (for tests). */
  async retired(): Promise<void> {
    await Promise.all([...this.retiring]);
  }

  private async sendRetired(rule: AlertRule, subjects: readonly string[], reason: RetireReason) {
    const channels = (await this.repo.findChannelsByIds(rule.channelIds)).filter((c) => c.enabled);
    const kind = rule.kind as AlertRuleKind;
    for (const subject of subjects) {
      if (this.stopping) return;
      const name = await this.subjectName(kind, subject);
      const notice = this.notice(
        rule,
        'resolved',
        { type: subjectType(kind), id: subject, name },
        null,
        undefined,
        new Date(this.clock.now()),
      );
      await this.deliver(rule, channels, { ...notice, reason });
    }
  }

  /** One evaluation now (tests; the timer calls it too). Resolves when done or skipped. */
  tick(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const run = this.runTick().finally(() => {
      this.inFlight = null;
    });
    this.inFlight = run;
    return run;
  }

  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule());
    }, this.config.alertEvaluationIntervalMs);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  private async runTick(): Promise<void> {
    this.counts.ticks++;
    try {
      const held = await this.repo.withEvaluationLock(() => this.evaluateAll());
      if (held) this.counts.evaluated++;
    } catch (err) {
      if (!this.stopping)
        this.logger.error(`alert evaluation failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async evaluateAll(): Promise<void> {
    const rules = await this.repo.findEnabledRules();
    await this.repo.deleteOrphanStates(rules.map((r) => r.id));
    if (rules.length === 0) return;
    const states = await this.repo.findStates(rules.map((r) => r.id));
    const channels = new Map(
      (await this.repo.findChannelsByIds([...new Set(rules.flatMap((r) => r.channelIds))])).map((c) => [
        c.id,
        c,
      ]),
    );
    for (const rule of rules) {
      if (this.stopping) return;
      const firing = await this.firingNow(rule);
      const stored = states.filter((s) => s.ruleId === rule.id).map((s) => s.subject);
      const { started, stopped } = reconcile(stored, firing);
      const targets = rule.channelIds
        .map((id) => channels.get(id))
        .filter((c): c is AlertChannel => c?.enabled === true);
      for (const f of started) {
        if (this.stopping) return;
        // Claimed before sending: whoever records the state is the one who sends.
        const now = new Date(this.clock.now());
        if (!(await this.repo.claimFiring(rule.id, f.subject.id, now, f.value))) continue;
        await this.deliver(rule, targets, this.notice(rule, 'firing', f.subject, f.value, f.requests, now));
      }
      for (const subject of stopped) {
        if (this.stopping) return;
        if (!(await this.repo.releaseFiring(rule.id, subject))) continue;
        const name = await this.subjectName(rule.kind as AlertRuleKind, subject);
        const now = new Date(this.clock.now());
        await this.deliver(
          rule,
          targets,
          this.notice(
            rule,
            'resolved',
            { type: subjectType(rule.kind as AlertRuleKind), id: subject, name },
            null,
            undefined,
            now,
          ),
        );
      }
    }
  }

  /** The subjects of `rule` over its threshold right now. */
  private async firingNow(row: AlertRule): Promise<Firing[]> {
    const kind = row.kind as AlertRuleKind;
    const rule = { ...row, kind };
    const now = this.clock.now();
    const since = new Date(now - row.windowMinutes * 60_000);
    switch (kind) {
      case 'deployment.cooldown':
        return cooldownFirings(
          rule,
          [...this.registry.current().deployments.values()].map((d) => ({
            id: d.id,
            name: d.name,
            enabled: d.enabled,
            benched: this.router.deploymentState(d.id)?.healthy === false,
          })),
        );
      case 'deployment.error_rate':
        return errorRateFirings(rule, await this.repo.attemptTotals(since));
      case 'group.error_rate':
        return errorRateFirings(rule, await this.repo.groupTotals(since));
      case 'key.budget':
        return budgetFirings(rule, await this.repo.keySpends(new Date(now)));
      case 'project.budget':
        // Refused by the API: projects have no budget.
        return [];
    }
  }

  private async subjectName(kind: AlertRuleKind, id: string): Promise<string> {
    if (kind.startsWith('deployment.')) {
      return this.registry.getDeployment(id)?.name ?? (await this.repo.deploymentName(id)) ?? id;
    }
    if (kind === 'key.budget') return (await this.repo.keyName(id)) ?? id;
    return id;
  }

  private notice(
    rule: AlertRule,
    state: 'firing' | 'resolved',
    subject: AlertSubject,
    value: number | null,
    requests: number | undefined,
    at: Date,
  ): AlertNotice {
    const kind = rule.kind as AlertRuleKind;
    const rate = kind === 'deployment.error_rate' || kind === 'group.error_rate';
    return {
      state,
      rule: { id: rule.id, name: rule.name, kind },
      subject,
      value,
      threshold: rule.threshold,
      ...(rate ? { windowMinutes: rule.windowMinutes, ...(requests !== undefined ? { requests } : {}) } : {}),
      at,
    };
  }

  /** Sends to each channel and records each delivery in the history (a rule without channels: one row). */
  private async deliver(
    rule: AlertRule,
    channels: readonly AlertChannel[],
    notice: AlertNotice,
  ): Promise<void> {
    const message = alertMessage(notice);
    const base = {
      ruleId: rule.id,
      ruleName: rule.name,
      state: notice.state,
      subject: notice.subject?.name ?? null,
      message,
    };
    if (channels.length === 0) {
      await this.repo.insertEvent({
        ...base,
        channelId: null,
        channelName: null,
        delivery: 'failed',
        responseStatus: null,
        error: 'The rule has no enabled channel.',
      });
      return;
    }
    for (const channel of channels) {
      let url: string;
      try {
        url = this.box.decrypt(channel.urlEncrypted);
      } catch {
        url = '';
      }
      const delivery = url
        ? await this.sender.sendWithRetries(channel.kind as AlertChannelKind, url, notice, this.abort.signal)
        : {
            ok: false,
            status: null,
            error: 'The channel URL could not be decrypted (was ENCRYPTION_KEY changed?).',
          };
      await this.repo.insertEvent({
        ...base,
        channelId: channel.id,
        channelName: channel.name,
        delivery: delivery.ok ? 'delivered' : 'failed',
        responseStatus: delivery.status,
        error: delivery.error,
      });
    }
  }
}
