import type { ChangeNotifier, ChangeTopic } from './change-notifier';

/**
 * In-memory state kept equal to the database, the one way every such piece does it: load at start,
 * reload when another instance announces a change to `topic` (LISTEN/NOTIFY), reload every `intervalMs`
 * in case a notification was lost, and after a change here reload first, then tell the others.
 */
export class LiveReload {
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly notifier: ChangeNotifier,
    private readonly topic: ChangeTopic,
    /** Never throws (logs and keeps the last good state): called from timers and notifications. */
    private readonly reload: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  async start(): Promise<void> {
    await this.reload();
    this.unsubscribe = this.notifier.subscribe((topic, local) => {
      if (topic === this.topic && !local) void this.reload();
    });
    this.timer = setInterval(() => void this.reload(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Call after writing a change: reloads here, then tells the other instances. */
  async changed(): Promise<void> {
    await this.reload();
    await this.notifier.publish(this.topic);
  }
}
