import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RequestLogEntry, RequestLogSink } from './request-log-entry';
import { type EncodedLogRow, encodeLogRow } from './request-log.encoding';
import type { RequestLogStore } from './request-log.repository';

export interface RequestLogWriterOptions {
  /** Write what is queued at least this often. */
  flushIntervalMs: number;
  /** Rows per INSERT; a full batch is written at once instead of waiting for the timer. */
  batchSize: number;
  /** Rows held in memory at most (queued plus being written); beyond it new rows are dropped and counted. */
  queueMax: number;
  /**
   * Characters of encoded rows held in memory beyond which a new row's stored bodies are left out (the row
   * itself is still queued): bodies are up to 2 x 1 MiB each, and a burst of them must not exhaust memory
   * while the row count is far from `queueMax`. Default BODY_QUEUE_MAX_CHARS.
   */
  bodyQueueMaxChars?: number;
  /** First retry delay after a failed write; doubles per failure up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long shutdown waits for the queue to drain. */
  shutdownTimeoutMs?: number;
  /** Called once after the final flush at shutdown (e.g. to close the pool the flush reopened). */
  onClosed?: () => Promise<void>;
  /**
   * Where rows that cannot be written go (one JSON line each, with the reason): rows the database refuses
   * for their data, and rows still unwritten when shutdown has to give up. Never silently away.
   */
  deadLetterDir: string;
}

export interface RequestLogWriterStats {
  /** Rows in memory: waiting plus being written. */
  queued: number;
  written: number;
  dropped: number;
  failedFlushes: number;
  /** Rows set aside in the dead-letter file. */
  deadLettered: number;
}

const DROP_WARNING_EVERY_MS = 10_000;
/** 32 Mi characters: at most 64 MiB of queued rows (two bytes a character) once bodies are in the queue. */
export const BODY_QUEUE_MAX_CHARS = 32 * 1024 * 1024;

/** The row without its stored bodies; null when it has none. */
function withoutBodies(row: EncodedLogRow): EncodedLogRow | null {
  if (!row.includes('"body":{')) return null;
  const record = JSON.parse(row) as { body: unknown };
  record.body = null;
  return JSON.stringify(record) as EncodedLogRow;
}

const charsOf = (rows: readonly EncodedLogRow[]): number => rows.reduce((n, r) => n + r.length, 0);

const firstLine = (err: unknown): string => (err instanceof Error ? err.message.split('\n')[0] : String(err));

function sleepUntil(deadline: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref());
}

/**
 * The database refused the rows themselves (SQLSTATE class 22 data exception, 23 integrity violation), as
 * opposed to being unavailable: retrying the same rows can never succeed.
 */
export function isDataError(err: unknown): boolean {
  const code = err && typeof err === 'object' && 'code' in err ? (err as { code: unknown }).code : null;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/**
 * The request-log sink: `enqueue` encodes the row and pushes it to an in-memory queue, and batches are
 * written off the request path. A batch that fails stays in memory and is retried with backoff under the same batch id,
 * so it is written exactly once even when a commit's acknowledgement was lost.
 */
export class RequestLogWriter implements RequestLogSink, OnApplicationShutdown {
  private readonly logger = new Logger('RequestLogWriter');
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private pending: EncodedLogRow[] = [];
  /** Characters of the rows in `pending` (with the inflight batch's: what the body bound counts). */
  private pendingChars = 0;
  /** The batch being written or waiting for a retry; kept until it is known to be written. */
  private inflight: { id: string; rows: EncodedLogRow[]; chars?: number } | null = null;
  private bodiesLeftOut = 0;
  private draining: Promise<void> | null = null;
  private consecutiveFailures = 0;
  private retryAt = 0;
  private written = 0;
  private dropped = 0;
  private failedFlushes = 0;
  private deadLettered = 0;
  private droppedSinceWarning = 0;
  private lastDropWarning = 0;
  private kickScheduled = false;
  private timer: NodeJS.Timeout | null;
  private closed = false;

  constructor(
    private readonly store: RequestLogStore,
    private readonly options: RequestLogWriterOptions,
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    this.timer = setInterval(() => this.tick(), options.flushIntervalMs);
    this.timer.unref();
  }

  enqueue(entry: RequestLogEntry): void {
    if (this.pending.length + (this.inflight?.rows.length ?? 0) >= this.options.queueMax) {
      this.drop();
      return;
    }
    let row = encodeLogRow(entry);
    if (
      entry.body &&
      this.queuedChars() + row.length > (this.options.bodyQueueMaxChars ?? BODY_QUEUE_MAX_CHARS)
    ) {
      row = encodeLogRow({ ...entry, body: null });
      this.bodiesLeftOut++;
    }
    this.pending.push(row);
    this.pendingChars += row.length;
    // After close() no timer runs, so a straggler is written at once.
    if ((this.pending.length >= this.options.batchSize || this.closed) && !this.kickScheduled) {
      // Never start I/O on the caller's stack: the request path only pushes.
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        if (Date.now() >= this.retryAt) void this.drain(this.closed);
      });
    }
  }

  /** Rows whose stored bodies were left out (queue over its body bound, or the bodies refused). */
  get bodiesDropped(): number {
    return this.bodiesLeftOut;
  }

  private queuedChars(): number {
    return this.pendingChars + (this.inflight ? (this.inflight.chars ??= charsOf(this.inflight.rows)) : 0);
  }

  stats(): RequestLogWriterStats {
    return {
      queued: this.pending.length + (this.inflight?.rows.length ?? 0),
      written: this.written,
      dropped: this.dropped,
      failedFlushes: this.failedFlushes,
      deadLettered: this.deadLettered,
    };
  }

  /**
   * Writes everything queued, retrying failures (without the usual backoff) until done or until
   * `timeoutMs` has passed. Resolves true when the queue is empty.
   */
  async flush(timeoutMs = this.options.shutdownTimeoutMs ?? 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // A write that hangs (database stalled) must not hold shutdown past the deadline.
      if (this.draining) await Promise.race([this.draining, sleepUntil(deadline)]);
      if (!this.inflight && this.pending.length === 0) return true;
      if (Date.now() >= deadline) return false;
      await this.drain(true);
      if (this.inflight && Date.now() < deadline) {
        await new Promise((r) =>
          setTimeout(r, Math.min(this.retryBaseMs, Math.max(0, deadline - Date.now()))),
        );
      }
    }
  }

  /**
   * Nest calls this after the HTTP server has closed, so every request has handed over its row: write
   * them all (bounded), then stop.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const done = await this.flush();
    if (!done) {
      const rows = [...(this.inflight?.rows ?? []), ...this.pending];
      this.inflight = null;
      this.pending = [];
      this.pendingChars = 0;
      const file = this.setAside(rows, 'not written before shutdown (database unavailable)');
      this.logger.error(
        `shutdown: ${rows.length} request-log rows could not be written within ` +
          `${this.options.shutdownTimeoutMs ?? 5000} ms; set aside in ${file}`,
      );
    }
    await this.options.onClosed?.().catch(() => undefined);
  }

  private tick(): void {
    if (Date.now() >= this.retryAt) void this.drain(true);
  }

  /** Writes batches one after another: all rows (`all`) or only full batches. One drain at a time. */
  private drain(all: boolean): Promise<void> {
    this.draining ??= this.writeBatches(all).finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async writeBatches(all: boolean): Promise<void> {
    // `all` means the rows queued when this drain started; rows arriving meanwhile wait for the next
    // tick or a full batch, so a busy gateway writes few large statements instead of many small ones.
    let owed = all ? this.pending.length : 0;
    for (;;) {
      if (!this.inflight) {
        const enough = this.pending.length >= this.options.batchSize || (owed > 0 && this.pending.length > 0);
        if (!enough) return;
        owed -= Math.min(owed, this.options.batchSize);
        const rows = this.pending.splice(0, this.options.batchSize);
        const chars = charsOf(rows);
        this.pendingChars -= chars;
        this.inflight = { id: randomUUID(), rows, chars };
      }
      const batch = this.inflight;
      try {
        // `duplicate`: an earlier attempt did commit; its acknowledgement was lost.
        await this.store.writeBatch(batch.id, batch.rows);
        this.written += batch.rows.length;
        this.inflight = null;
        if (this.consecutiveFailures > 0) {
          this.logger.log(`request-log writes recovered after ${this.consecutiveFailures} failed attempts`);
        }
        this.consecutiveFailures = 0;
        this.retryAt = 0;
      } catch (err) {
        this.failedFlushes++;
        if (isDataError(err)) {
          // Something in these rows is refused: write what can be written, set the rest aside, go on.
          const done = await this.salvage(batch.rows, err);
          if (done) {
            this.inflight = null;
            continue;
          }
        }
        this.consecutiveFailures++;
        const backoff = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.consecutiveFailures - 1));
        this.retryAt = Date.now() + backoff;
        // One line per failure streak and then every tenth, so an outage does not flood the log.
        if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
          this.logger.warn(
            `could not write ${batch.rows.length} request-log rows (${firstLine(err)}); ` +
              `keeping ${this.stats().queued} rows and retrying in ${backoff} ms`,
          );
        }
        return;
      }
    }
  }

  /**
   * Writes a refused batch in halves down to single rows; the rows still refused are set aside (with their
   * spend still added to keys and projects, so budgets hold). When the database becomes unavailable midway,
   * the unwritten rest becomes the batch to retry and this returns false.
   */
  private async salvage(rows: readonly EncodedLogRow[], first: unknown): Promise<boolean> {
    const parts: { rows: readonly EncodedLogRow[]; error: unknown }[] = [{ rows, error: first }];
    const refused: EncodedLogRow[] = [];
    let reason = firstLine(first);
    while (parts.length > 0) {
      const part = parts.shift()!;
      if (part.rows.length === 1) {
        const row = part.rows[0]!;
        // Stored bodies must never make a row unwritable: try it once more without them.
        const bare = withoutBodies(row);
        if (bare !== null) {
          try {
            await this.store.writeBatch(randomUUID(), [bare]);
            this.written++;
            this.bodiesLeftOut++;
            this.logger.warn(
              `request bodies refused by the database (${firstLine(part.error)}); row written without them`,
            );
            continue;
          } catch (err) {
            if (!isDataError(err)) {
              this.inflight = { id: randomUUID(), rows: [row, ...parts.flatMap((p) => p.rows)] };
              this.settleRefused(refused, reason);
              return false;
            }
          }
        }
        refused.push(row);
        reason = firstLine(part.error);
        continue;
      }
      const mid = part.rows.length >> 1;
      const halves = [part.rows.slice(0, mid), part.rows.slice(mid)];
      for (let h = 0; h < halves.length; h++) {
        const half = halves[h]!;
        try {
          await this.store.writeBatch(randomUUID(), half);
          this.written += half.length;
        } catch (err) {
          if (!isDataError(err)) {
            const rest = [...halves.slice(h).flat(), ...parts.flatMap((p) => p.rows)];
            this.inflight = { id: randomUUID(), rows: rest };
            this.settleRefused(refused, reason);
            return false;
          }
          parts.push({ rows: half, error: err });
        }
      }
    }
    this.settleRefused(refused, reason);
    return true;
  }

  private settleRefused(rows: EncodedLogRow[], reason: string): void {
    if (rows.length === 0) return;
    const file = this.setAside(rows, reason);
    this.logger.error(
      `${rows.length} request-log row(s) refused by the database (${reason}); set aside in ${file}`,
    );
    void this.store.addSpend(rows).catch((err: unknown) => {
      this.logger.error(`could not add the spend of set-aside rows to their keys: ${firstLine(err)}`);
    });
  }

  /** Appends rows to today's dead-letter file (synchronously: it also runs on the way out). */
  private setAside(rows: readonly EncodedLogRow[], reason: string): string {
    const now = new Date();
    const file = path.join(
      this.options.deadLetterDir,
      `request-log-${now.toISOString().slice(0, 10).replaceAll('-', '')}.jsonl`,
    );
    if (rows.length === 0) return file;
    try {
      mkdirSync(this.options.deadLetterDir, { recursive: true, mode: 0o700 });
      const at = now.toISOString();
      appendFileSync(
        file,
        rows.map((row) => `{"at":"${at}","reason":${JSON.stringify(reason)},"row":${row}}\n`).join(''),
        {
          mode: 0o600,
        },
      );
      this.deadLettered += rows.length;
    } catch (err) {
      this.dropped += rows.length;
      this.logger.error(
        `could not write the dead-letter file ${file} (${firstLine(err)}): ${rows.length} rows lost`,
      );
    }
    return file;
  }

  private drop(): void {
    this.dropped++;
    this.droppedSinceWarning++;
    const now = Date.now();
    if (now - this.lastDropWarning >= DROP_WARNING_EVERY_MS) {
      this.lastDropWarning = now;
      this.logger.warn(
        `request-log queue is full (${this.options.queueMax} rows): dropped ${this.droppedSinceWarning} ` +
          `new rows since the last warning (${this.dropped} in total)`,
      );
      this.droppedSinceWarning = 0;
    }
  }
}
