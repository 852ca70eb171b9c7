import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RequestLogEntry } from './request-log-entry';
import type { EncodedLogRow } from './request-log.encoding';
import type { RequestLogStore } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';
import { eventually, logEntry } from './testing/usage-fixtures';

/** Holds every write until released, as a database that hangs would. */
class StalledStore implements RequestLogStore {
  readonly batches: Pick<RequestLogEntry, 'requestId'>[][] = [];
  private release: (() => void) | null = null;
  private readonly stalled = new Promise<void>((r) => (this.release = r));
  async writeBatch(_id: string, rows: readonly EncodedLogRow[]) {
    await this.stalled;
    this.batches.push(rows.map((r) => JSON.parse(r) as Pick<RequestLogEntry, 'requestId'>));
    return 'written' as const;
  }
  async addSpend(): Promise<void> {}
  unstall(): void {
    this.release?.();
  }
}

describe('RequestLogWriter queue', () => {
  const writers: RequestLogWriter[] = [];
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close()));
  });
  const make = (store: RequestLogStore, queueMax: number, batchSize = 10) => {
    const w = new RequestLogWriter(store, {
      flushIntervalMs: 10,
      batchSize,
      queueMax,
      shutdownTimeoutMs: 200,
      deadLetterDir: path.join(tmpdir(), `switchboard-dead-letter-spec-${process.pid}`),
    });
    writers.push(w);
    return w;
  };

  it('drops new rows beyond queueMax, counts them, and keeps the ones it accepted', async () => {
    const store = new StalledStore();
    const writer = make(store, 100);
    const accepted = Array.from({ length: 100 }, (_, i) => logEntry({ requestId: `kept-${i}` }));
    for (const e of accepted) writer.enqueue(e);
    for (let i = 0; i < 50; i++) writer.enqueue(logEntry({ requestId: `dropped-${i}` }));
    expect(writer.stats()).toEqual({
      queued: 100,
      written: 0,
      dropped: 50,
      failedFlushes: 0,
      deadLettered: 0,
    });

    store.unstall();
    await eventually(() => writer.stats().written === 100);
    const written = store.batches.flat().map((e) => e.requestId);
    expect(written).toEqual(accepted.map((e) => e.requestId));
    expect(writer.stats()).toEqual({
      queued: 0,
      written: 100,
      dropped: 50,
      failedFlushes: 0,
      deadLettered: 0,
    });
  });

  it.each([
    ['rejects', () => Promise.reject(new Error('down'))],
    [
      'throws synchronously',
      (): Promise<'written'> => {
        throw new Error('down');
      },
    ],
  ])('never blocks or throws on enqueue, even when the store %s', (_how, writeBatch) => {
    const writer = make({ writeBatch, addSpend: async () => undefined }, 1000);
    for (let i = 0; i < 500; i++) {
      let returned: unknown = 'not called';
      expect(() => (returned = writer.enqueue(logEntry()))).not.toThrow();
      // Synchronous and fire-and-forget: nothing for the request path to await.
      expect(returned).toBeUndefined();
    }
    expect(writer.stats().queued + writer.stats().written + writer.stats().dropped).toBe(500);
  });

  it('reports a flush that cannot finish before its deadline', async () => {
    const writer = make(
      { writeBatch: () => Promise.reject(new Error('down')), addSpend: async () => undefined },
      1000,
    );
    writer.enqueue(logEntry());
    expect(await writer.flush(100)).toBe(false);
    expect(writer.stats().queued).toBe(1);
    expect(writer.stats().failedFlushes).toBeGreaterThan(0);
  });
});
