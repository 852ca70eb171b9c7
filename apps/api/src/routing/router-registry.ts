import { shuffleWeights } from '@switchboard/contracts';
import { normaliseStrategy } from './routing.types';
import type { ModelGroupPolicy, RoutedDeployment, RouterSnapshot } from './routing.types';

export interface GroupEntry {
  readonly policy: Readonly<ModelGroupPolicy>;
  /** Enabled deployments only, sorted by id (code-unit order) so round-robin and ties are stable. */
  readonly deployments: readonly RoutedDeployment[];
  /** Effective weighted-shuffle weight per deployment id, resolved once per snapshot (see `shuffleWeights`). */
  readonly weights: ReadonlyMap<string, number>;
}

/** One immutable generation of the registry. A request keeps the index it started with. */
export interface RegistryIndex {
  readonly version: number;
  readonly groups: ReadonlyMap<string, GroupEntry>;
  /** Every deployment of the snapshot, disabled ones included (the admin API shows their state). */
  readonly deployments: ReadonlyMap<string, RoutedDeployment>;
}

export type RegistryListener = (next: RegistryIndex, removedIds: readonly string[]) => void;

export class RouterSnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouterSnapshotError';
  }
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Weighted-shuffle weights for one group: the shared rule (libs/contracts split.ts). */
export { shuffleWeights };

const wholeAtLeast = (n: number, min: number): number =>
  Number.isFinite(n) ? Math.max(min, Math.floor(n)) : min;

function buildIndex(snapshot: RouterSnapshot, version: number): RegistryIndex {
  const deployments = new Map<string, RoutedDeployment>();
  for (const d of snapshot.deployments) {
    if (deployments.has(d.id)) throw new RouterSnapshotError(`Duplicate deployment id '${d.id}'`);
    // Copy so later mutation of the caller's objects cannot change a published index.
    deployments.set(d.id, Object.freeze({ ...d, tags: [...d.tags] }));
  }

  const members = new Map<string, RoutedDeployment[]>();
  for (const d of deployments.values()) {
    if (!d.enabled) continue;
    const list = members.get(d.modelGroup);
    if (list) list.push(d);
    else members.set(d.modelGroup, [d]);
  }

  const groups = new Map<string, GroupEntry>();
  for (const g of snapshot.groups) {
    if (groups.has(g.name)) throw new RouterSnapshotError(`Duplicate model group '${g.name}'`);
    const strategy = normaliseStrategy(g.strategy);
    if (!strategy)
      throw new RouterSnapshotError(`Model group '${g.name}' has unknown strategy '${g.strategy}'`);
    const policy: ModelGroupPolicy = Object.freeze({
      ...g,
      strategy,
      numRetries: wholeAtLeast(g.numRetries, 0),
      allowedFails: wholeAtLeast(g.allowedFails, 0),
      cooldownSeconds: Number.isFinite(g.cooldownSeconds) ? Math.max(0, g.cooldownSeconds) : 0,
      fallbacks: g.fallbacks.filter((f) => f !== g.name),
    });
    const list = (members.get(g.name) ?? []).sort((a, b) => compareIds(a.id, b.id));
    groups.set(
      g.name,
      Object.freeze({ policy, deployments: Object.freeze(list), weights: shuffleWeights(list) }),
    );
  }
  // Deployments whose group has no policy stay in `deployments` (visible to the admin API) but are not routable.
  return Object.freeze({ version, groups, deployments });
}

/**
 * In-memory routing table fed by the admin API. `replace` builds the next index completely, then swaps it
 * in one assignment: a request that already read `current()` keeps a consistent view until it finishes.
 */
export class RouterRegistry {
  private index: RegistryIndex;
  private readonly listeners = new Set<RegistryListener>();

  constructor(snapshot: RouterSnapshot = { groups: [], deployments: [] }) {
    this.index = buildIndex(snapshot, 0);
  }

  get version(): number {
    return this.index.version;
  }

  current(): RegistryIndex {
    return this.index;
  }

  /** Throws RouterSnapshotError (and keeps the current index) when the snapshot is inconsistent. */
  replace(snapshot: RouterSnapshot): RegistryIndex {
    const previous = this.index;
    const next = buildIndex(snapshot, previous.version + 1);
    this.index = next;
    const removed: string[] = [];
    for (const id of previous.deployments.keys()) if (!next.deployments.has(id)) removed.push(id);
    for (const listener of this.listeners) listener(next, removed);
    return next;
  }

  getGroup(name: string): GroupEntry | undefined {
    return this.index.groups.get(name);
  }

  listGroups(): GroupEntry[] {
    return [...this.index.groups.values()];
  }

  getDeployment(id: string): RoutedDeployment | undefined {
    return this.index.deployments.get(id);
  }

  /** Called after every swap with the ids that disappeared, so live state can be dropped. */
  onReplace(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
