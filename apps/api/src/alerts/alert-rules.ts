import type { AlertRuleKind } from '@switchboard/contracts';
import { type AlertSubject, subjectType } from './alert-message';

/** What evaluation needs of a rule. */
export interface RuleCondition {
  kind: AlertRuleKind;
  /** null = every subject of the kind. */
  target: string | null;
  threshold: number | null;
  windowMinutes: number;
  minRequests: number;
}

/** A subject over the rule's threshold right now. */
export interface Firing {
  subject: AlertSubject;
  value: number | null;
  /** Error-rate kinds: attempts (or requests) counted in the window. */
  requests?: number;
}

export interface DeploymentNow {
  id: string;
  name: string;
  enabled: boolean;
  /** Cooling down right now (the live state the console shows). */
  benched: boolean;
}

export interface RateTotals {
  /** Deployment id or model group name. */
  id: string;
  name: string;
  /** Attempts (deployments) or requests (groups) in the window. */
  total: number;
  failed: number;
}

export interface KeySpend {
  id: string;
  name: string;
  maxBudgetUsd: number;
  /** Spend in the current budget period (0 once the period has ended). */
  spentUsd: number;
}

const watches = (rule: RuleCondition, id: string): boolean => rule.target === null || rule.target === id;

/** deployment.cooldown: every watched, enabled deployment that is benched. */
export function cooldownFirings(rule: RuleCondition, deployments: readonly DeploymentNow[]): Firing[] {
  return deployments
    .filter((d) => d.enabled && d.benched && watches(rule, d.id))
    .map((d) => ({ subject: { type: 'deployment', id: d.id, name: d.name }, value: null }));
}

/**
 * deployment.error_rate / group.error_rate: failed / total over the window, at or above the threshold,
 * once at least `minRequests` were counted (a single failure is not a 100 % error rate worth a page).
 */
export function errorRateFirings(rule: RuleCondition, totals: readonly RateTotals[]): Firing[] {
  const threshold = rule.threshold;
  if (threshold === null) return [];
  const out: Firing[] = [];
  for (const t of totals) {
    if (!watches(rule, t.id) || t.total < rule.minRequests || t.total <= 0) continue;
    const rate = t.failed / t.total;
    if (rate >= threshold) {
      out.push({
        subject: { type: subjectType(rule.kind), id: t.id, name: t.name },
        value: rate,
        requests: t.total,
      });
    }
  }
  return out;
}

/** key.budget: period spend at or above `threshold` percent of the key's budget. */
export function budgetFirings(rule: RuleCondition, keys: readonly KeySpend[]): Firing[] {
  const threshold = rule.threshold;
  if (threshold === null) return [];
  const out: Firing[] = [];
  for (const k of keys) {
    if (!watches(rule, k.id) || !(k.maxBudgetUsd > 0)) continue;
    const percent = (k.spentUsd / k.maxBudgetUsd) * 100;
    if (percent >= threshold) out.push({ subject: { type: 'key', id: k.id, name: k.name }, value: percent });
  }
  return out;
}

/**
 * What to send after an evaluation: subjects that started firing (no stored state yet) and subjects whose
 * stored state no longer fires. Subjects that stay firing send nothing.
 */
export function reconcile(
  stored: readonly string[],
  firing: readonly Firing[],
): { started: Firing[]; stopped: string[] } {
  const now = new Set(firing.map((f) => f.subject.id));
  const before = new Set(stored);
  return {
    started: firing.filter((f) => !before.has(f.subject.id)),
    stopped: stored.filter((s) => !now.has(s)),
  };
}
