/**
 * Chart colours follow an entity's id, never its rank: a deployment, project or key keeps its colour when
 * the traffic order changes between refreshes, and on every chart that draws it. The console maps a slot
 * to its theme's CSS variable (`--chart-<slot>` in light and dark).
 */
export const CHART_PALETTE_SIZE = 10;

/** 1…CHART_PALETTE_SIZE, or `'other'`: the grey of "Other" and of groups that belong to no entity. */
export type ChartColorSlot = number | 'other';

export function chartColorSlot(id: string | null): ChartColorSlot {
  if (id === null || id === '') return 'other';
  return (fnv1a(id) % CHART_PALETTE_SIZE) + 1;
}

/**
 * Slots for a set of entities drawn together: each takes its own slot (`chartColorSlot`) unless an entity
 * with a smaller id already holds it, then the next free one. As stable as `chartColorSlot` while the set
 * stays the same (the order of ids, not of traffic, decides), and no two of up to CHART_PALETTE_SIZE
 * entities share a colour.
 */
export function chartColorSlots(ids: readonly (string | null)[]): Map<string, ChartColorSlot> {
  const slots = new Map<string, ChartColorSlot>();
  const taken = new Set<number>();
  const sorted = [...new Set(ids.filter((id): id is string => id !== null && id !== ''))].sort();
  for (const id of sorted) {
    const own = chartColorSlot(id) as number;
    let slot = own;
    for (let step = 0; step < CHART_PALETTE_SIZE && taken.has(slot); step++)
      slot = (slot % CHART_PALETTE_SIZE) + 1;
    // More entities than colours: the rest keep their own slot and share.
    if (taken.has(slot)) slot = own;
    taken.add(slot);
    slots.set(id, slot);
  }
  return slots;
}

/** 32-bit FNV-1a: a few lines, and ids that differ in one character land far apart. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
