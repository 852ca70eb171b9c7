import { ALERT_TARGET_TYPES, type AlertRuleKind } from '@switchboard/contracts';

export type AlertState = 'firing' | 'resolved' | 'test';

/** What a notification is about: a deployment, model group, key or project. */
export interface AlertSubject {
  type: 'deployment' | 'model_group' | 'key' | 'project';
  id: string;
  name: string;
}

export interface AlertNotice {
  state: AlertState;
  rule: { id: string; name: string; kind: AlertRuleKind } | null;
  subject: AlertSubject | null;
  /** Error rates as a fraction, budgets in percent; null for a cooldown or a test. */
  value: number | null;
  threshold: number | null;
  /** Error-rate kinds: the window and the attempts counted in it. */
  windowMinutes?: number;
  requests?: number;
  at: Date;
  /** For a test: the channel's name. */
  channelName?: string;
  /** A "resolved" sent because the rule stopped watching the subject, not because the condition cleared. */
  reason?: RetireReason;
}

/** Why a firing subject was resolved without its condition clearing. */
export type RetireReason = 'rule_changed' | 'rule_disabled' | 'rule_deleted';

const RETIRE_WORDS: Readonly<Record<RetireReason, string>> = {
  rule_changed: 'the rule was changed and is evaluated afresh',
  rule_disabled: 'the rule was disabled',
  rule_deleted: 'the rule was deleted',
};

const percent = (fraction: number): string => `${roundTo(fraction * 100)} %`;
const roundTo = (n: number): string => String(Math.round(n * 10) / 10);

const SUBJECT_WORDS: Readonly<Record<AlertSubject['type'], string>> = {
  deployment: 'Deployment',
  model_group: 'Model group',
  key: 'Key',
  project: 'Project',
};

/** What the condition is, in words, without the state: `Deployment "gpt-a" is cooling down`. */
function condition(n: AlertNotice): string {
  if (!n.rule || !n.subject) return '';
  const who = `${SUBJECT_WORDS[n.subject.type]} "${n.subject.name}"`;
  switch (n.rule.kind) {
    case 'deployment.cooldown':
      return n.state === 'resolved' ? `${who} is back in rotation` : `${who} is cooling down`;
    case 'deployment.error_rate':
    case 'group.error_rate': {
      const what = n.rule.kind === 'deployment.error_rate' ? 'failed attempts' : 'failed requests';
      const rate = n.value === null ? 'unknown' : percent(n.value);
      const over = n.windowMinutes !== undefined ? ` over ${n.windowMinutes} min` : '';
      const count = n.requests !== undefined ? `, ${n.requests} counted` : '';
      const limit = n.threshold === null ? '' : `; threshold ${percent(n.threshold)}`;
      return `${who}: ${rate} ${what}${over}${count}${limit}`;
    }
    case 'key.budget':
    case 'project.budget': {
      const spent = n.value === null ? 'an unknown share' : `${roundTo(n.value)} %`;
      const limit = n.threshold === null ? '' : `; threshold ${roundTo(n.threshold)} %`;
      return `${who} has spent ${spent} of its budget${limit}`;
    }
  }
}

/**
 * The one-line text of a notification: `[Switchboard] FIRING rule "r": Deployment "a" is cooling down`.
 * Plain text (no emoji, no markup) so that it reads the same in Slack, a log or an email.
 */
export function alertMessage(n: AlertNotice): string {
  if (n.state === 'test') {
    return `[Switchboard] TEST: a test notification for channel "${n.channelName ?? ''}"; alerts will arrive like this.`;
  }
  const label = n.state === 'firing' ? 'FIRING' : 'RESOLVED';
  if (n.reason && n.subject) {
    const who = `${SUBJECT_WORDS[n.subject.type]} "${n.subject.name}"`;
    return `[Switchboard] ${label} rule "${n.rule?.name ?? ''}": ${who} is no longer watched (${RETIRE_WORDS[n.reason]})`;
  }
  return `[Switchboard] ${label} rule "${n.rule?.name ?? ''}": ${condition(n)}`;
}

/** The JSON a `webhook` channel receives (documented in the README). */
export function webhookPayload(n: AlertNotice) {
  return {
    event: 'switchboard.alert' as const,
    state: n.state,
    rule: n.rule,
    subject: n.subject,
    value: n.value,
    threshold: n.threshold,
    message: alertMessage(n),
    ...(n.reason ? { reason: n.reason } : {}),
    at: n.at.toISOString(),
  };
}

/** What a `slack` channel receives: a Slack-compatible incoming-webhook message. */
export function slackPayload(n: AlertNotice): { text: string } {
  return { text: alertMessage(n) };
}

export function subjectType(kind: AlertRuleKind): AlertSubject['type'] {
  return ALERT_TARGET_TYPES[kind];
}
