import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EncodedLogRow } from './request-log.encoding';
import type { RequestLogStore } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';
import { eventually, logEntry } from './testing/usage-fixtures';

/** Holds every write until released, as a database that hangs would. */
class StalledStore implements RequestLogStore {
  readonly rows: { requestId: string; body: unknown }[] = [];
  private release: (() => void) | null = null;
  private readonly stalled = new Promise<void>((r) => (this.release = r));
  async writeBatch(_id: string, rows: readonly EncodedLogRow[]) {
    await this.stalled;
    this.rows.push(...rows.map((r) => JSON.parse(r) as { requestId: string; body: unknown }));
    return 'written' as const;
  }
  async addSpend(): Promise<void> {}
  unstall(): void {
    this.release?.();
  }
}

describe('RequestLogWriter and stored bodies', () => {
  it('bounds the memory bodies take: past the bound rows are kept without their bodies', async () => {
    const store = new StalledStore();
    const writer = new RequestLogWriter(store, {
      flushIntervalMs: 10,
      batchSize: 10,
      queueMax: 1000,
      bodyQueueMaxChars: 1_000_000,
      shutdownTimeoutMs: 200,
      deadLetterDir: path.join(tmpdir(), `switchboard-dead-letter-bodies-spec-${process.pid}`),
    });
    try {
      const big = 'x'.repeat(100_000);
      // A burst of 100 KB bodies while the database hangs: about 10 fit in the bound.
      for (let i = 0; i < 50; i++) {
        writer.enqueue(
          logEntry({ requestId: `big-${i}`, body: { request: big, response: null, truncated: false } }),
        );
      }
      expect(writer.stats().queued).toBe(50);
      expect(writer.bodiesDropped).toBeGreaterThanOrEqual(39);
      expect(writer.bodiesDropped).toBeLessThanOrEqual(41);
      store.unstall();
      await eventually(() => writer.stats().written === 50);
      expect(store.rows.map((r) => r.requestId)).toEqual(Array.from({ length: 50 }, (_, i) => `big-${i}`));
      const withBodies = store.rows.filter((r) => r.body !== null).length;
      expect(withBodies).toBe(50 - writer.bodiesDropped);
      // Written rows free the bound again.
      writer.enqueue(
        logEntry({ requestId: 'after', body: { request: big, response: null, truncated: false } }),
      );
      await eventually(() => writer.stats().written === 51);
      expect(store.rows.at(-1)).toMatchObject({ requestId: 'after', body: { request: big } });
    } finally {
      store.unstall();
      await writer.close();
    }
  });
});
