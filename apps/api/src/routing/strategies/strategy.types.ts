import type { DeploymentStateStore } from '../deployment-state';
import type { GroupEntry } from '../router-registry';
import type { RandomSource, RoutedDeployment } from '../routing.types';
import type { UsageCounters } from '../usage-counters';

export interface PickContext {
  readonly group: GroupEntry;
  readonly nowMs: number;
  readonly random: RandomSource;
  readonly stream: boolean;
  readonly state: DeploymentStateStore;
  readonly counters: UsageCounters;
  /** Round-robin cursors: group name -> id of the deployment picked last. Owned by the router. */
  readonly cursors: Map<string, string>;
}

export interface RoutingStrategyImpl {
  /**
   * Chooses among `candidates`: never empty, sorted by id, every one available (enabled, not cooling down,
   * not excluded, under its limits). O(candidates), no I/O.
   */
  pick(candidates: readonly RoutedDeployment[], ctx: PickContext): RoutedDeployment;
}
