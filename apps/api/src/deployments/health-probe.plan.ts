import { MIN_PROBE_INTERVAL_SECONDS, type ProbeMode } from '@switchboard/contracts';
import type { AppConfig } from '../config/app-config';
import { isLiftedByProbe } from '../routing/deployment-state';
import type { CooldownReason } from '../routing/routing.types';

/** A benched deployment is probed at least this often, so it returns soon after its upstream answers. */
export const HALF_OPEN_PROBE_MS = 5_000;

/** The shortest background interval a deployment may set: 10 s unless a (test) configuration lowers it. */
export function probeFloorSeconds(config: Pick<AppConfig, 'healthProbeMinIntervalSeconds'>): number {
  return config.healthProbeMinIntervalSeconds ?? MIN_PROBE_INTERVAL_SECONDS;
}

export interface ProbeCandidate {
  enabled: boolean;
  probeIntervalSeconds?: number | null;
  probeMode?: ProbeMode;
  /** Why the deployment is benched right now; null while it is in rotation. */
  benchedFor: CooldownReason | null;
}

export interface ProbePlan {
  mode: ProbeMode;
  /** Probe again this long after the last probe (of any instance). */
  everyMs: number;
  /** A half-open probe of a benched deployment (its success puts it back into rotation). */
  halfOpen: boolean;
}

/**
 * How a deployment is health-checked right now, or null when it is not:
 * - disabled: never (it gets no traffic);
 * - benched for failures or a rejected key: half-open, every min(interval, 5 s), even when background checks
 *   are off for it (then only with the free `models` check, and only while benched);
 * - benched for a rate limit: like a deployment in rotation (a probe answering does not lift that bench);
 * - otherwise: every `probeIntervalSeconds` (never more often than the floor), or not at all when null.
 */
export function probePlan(d: ProbeCandidate, floorSeconds: number): ProbePlan | null {
  if (!d.enabled) return null;
  const interval = d.probeIntervalSeconds ?? null;
  const intervalMs = interval === null ? null : Math.max(interval, floorSeconds) * 1000;
  if (isLiftedByProbe(d.benchedFor)) {
    return {
      mode: interval === null ? 'models' : (d.probeMode ?? 'models'),
      everyMs: Math.min(intervalMs ?? HALF_OPEN_PROBE_MS, HALF_OPEN_PROBE_MS),
      halfOpen: true,
    };
  }
  if (intervalMs === null) return null;
  return { mode: d.probeMode ?? 'models', everyMs: intervalMs, halfOpen: false };
}

/** The stored mode as the contract knows it (anything unknown reads as the free check). */
export function toProbeMode(stored: string): ProbeMode {
  return stored === 'chat' ? 'chat' : 'models';
}

/** Due when never probed, or when `everyMs` has passed since the last probe. */
export function isProbeDue(plan: ProbePlan, lastAt: number | undefined, now: number): boolean {
  return lastAt === undefined || now - lastAt >= plan.everyMs;
}
