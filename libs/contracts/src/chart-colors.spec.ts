import { CHART_PALETTE_SIZE, chartColorSlot, chartColorSlots } from './chart-colors';

/** UUIDs that differ only in their last digits, as rows created one after another often do. */
const ids = Array.from(
  { length: 2000 },
  (_, i) => `0b7e3f52-9c1d-4e8a-b6f0-${i.toString(16).padStart(12, '0')}`,
);

describe('chartColorSlot (an entity keeps its chart colour, whatever its rank)', () => {
  it('gives the same id the same slot every time, in any order', () => {
    const forward = ids.map(chartColorSlot);
    const backward = [...ids].reverse().map(chartColorSlot).reverse();
    expect(backward).toEqual(forward);
  });

  it('keeps the colours people already know across releases', () => {
    // Published FNV-1a (32-bit) test vectors: a different hash would recolour every operator's charts.
    const vectors: [string, number][] = [
      ['a', 0xe40c292c],
      ['foo', 0xa9f37ed7],
      ['foobar', 0xbf9cf968],
    ];
    for (const [id, hash] of vectors) expect(chartColorSlot(id)).toBe((hash % CHART_PALETTE_SIZE) + 1);
  });

  it('uses only palette slots, and every one of them about equally', () => {
    const counts = new Map<number | 'other', number>();
    for (const id of ids) {
      const slot = chartColorSlot(id);
      counts.set(slot, (counts.get(slot) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: CHART_PALETTE_SIZE }, (_, i) => i + 1),
    );
    const fair = ids.length / CHART_PALETTE_SIZE;
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(fair * 0.7);
      expect(count).toBeLessThan(fair * 1.3);
    }
  });

  it('gives a group without an id the "other" colour', () => {
    expect(chartColorSlot(null)).toBe('other');
    expect(chartColorSlot('')).toBe('other');
  });
});

describe('chartColorSlots (entities drawn together)', () => {
  it('never gives two of up to ten entities one colour, whatever their order', () => {
    for (let start = 0; start + 10 <= 200; start += 10) {
      const set = ids.slice(start, start + 10);
      const slots = chartColorSlots(set);
      expect(new Set(set.map((id) => slots.get(id))).size).toBe(10);
      // Rank order does not matter: the same set in reverse gets the same colours.
      const again = chartColorSlots([...set].reverse());
      for (const id of set) expect(again.get(id)).toBe(slots.get(id));
    }
  });

  it("keeps each entity's own colour when it is free", () => {
    const set = ids.slice(0, 3);
    const own = set.map((id) => chartColorSlot(id));
    const slots = chartColorSlots(set);
    // The smallest id always keeps its own slot; the others too unless an earlier one took it.
    const sorted = [...set].sort();
    expect(slots.get(sorted[0]!)).toBe(chartColorSlot(sorted[0]!));
    if (new Set(own).size === 3) for (const id of set) expect(slots.get(id)).toBe(chartColorSlot(id));
    expect(chartColorSlots([null, '']).size).toBe(0);
  });
});
