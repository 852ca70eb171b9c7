import { coalesce } from './coalesce';

describe('coalesce', () => {
  it('runs once per burst of calls made during a run, and every caller sees a pass that began after it', async () => {
    const passes: number[] = [];
    let release: (() => void) | null = null;
    let started = 0;
    const reload = coalesce(async () => {
      started++;
      await new Promise<void>((r) => (release = r));
      passes.push(started);
    });

    const first = reload();
    const burst = [reload(), reload(), reload()];
    expect(started).toBe(1);
    release!();
    await new Promise((r) => setImmediate(r));
    expect(started).toBe(2); // one queued pass for the whole burst
    release!();
    await Promise.all([first, ...burst]);
    expect(passes).toEqual([1, 2]);

    const later = reload();
    expect(started).toBe(3); // idle again: a new call starts a new run at once
    release!();
    await later;
  });

  it('ends the run at a failing pass: its callers see the failure, and the next call starts afresh', async () => {
    let calls = 0;
    const reload = coalesce(async () => {
      calls++;
      await Promise.resolve();
      if (calls === 1) throw new Error('db away');
    });
    const a = reload();
    const b = reload();
    await expect(a).rejects.toThrow('db away');
    await expect(b).rejects.toThrow('db away');
    expect(calls).toBe(1);
    await reload();
    expect(calls).toBe(2);
  });
});
