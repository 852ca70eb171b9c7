import type { Clock } from '../clock';

/** 2025-01-01T12:00:00.000Z: a minute boundary, so rpm windows are easy to reason about. */
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

export class FakeClock implements Clock {
  constructor(private ms: number = T0) {}

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  set(ms: number): void {
    this.ms = ms;
  }
}
