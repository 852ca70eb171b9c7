import { Logger } from '@nestjs/common';
import type { Clock } from '../common/clock';
import type { SharedRedis } from '../redis/shared-redis';
import type { DeploymentStateStore } from './deployment-state';
import type { CooldownReason } from './routing.types';

interface CooldownMessage {
  id: string;
  /** Epoch ms; 0 = back in rotation. */
  until: number;
  reason: CooldownReason | null;
  from: string;
}

/**
 * Cooldowns seen by every instance: a deployment one instance benches is benched on all within
 * milliseconds (Redis pub/sub), and an instance that starts or reconnects picks up the cooldowns running
 * (a hash of them, each entry dropped when it ends); a bench lifted on one instance (reset, or a health
 * probe that answered) is lifted on all the same way. Nothing here is on the request path: publishing is
 * fire-and-forget, and with Redis away each instance simply keeps its own cooldowns.
 */
export class SharedCooldowns {
  private readonly logger = new Logger('SharedCooldowns');
  private readonly channel: string;
  private readonly hash: string;

  constructor(
    private readonly redis: SharedRedis,
    private readonly state: DeploymentStateStore,
    private readonly clock: Clock,
  ) {
    this.channel = redis.key('cooldowns');
    this.hash = redis.key('cooldowns', 'running');
    state.onCooldown((id, until, reason) => this.publish({ id, until, reason, from: redis.instanceId }));
  }

  async start(): Promise<void> {
    this.redis.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    // Not awaited: with Redis down at start the subscription waits for it (and ioredis renews it after
    // every reconnect); the gateway starts meanwhile.
    this.redis.subscriber.subscribe(this.channel).catch((error: unknown) => {
      this.logger.warn(`cannot subscribe to shared cooldowns: ${String(error)}`);
    });
    this.redis.onChange((up) => {
      if (up) void this.catchUp();
    });
    await this.catchUp();
  }

  /** Applies the cooldowns still running (after a start or a reconnect). */
  private async catchUp(): Promise<void> {
    if (!this.redis.usable) return;
    try {
      const running = await this.redis.client.hgetall(this.hash);
      for (const text of Object.values(running)) this.receive(text);
    } catch (error) {
      this.redis.failed(error);
    }
  }

  private publish(message: CooldownMessage): void {
    if (!this.redis.usable) return;
    const text = JSON.stringify(message);
    const now = this.clock.now();
    const multi = this.redis.client.multi();
    if (message.until > now) multi.hset(this.hash, message.id, text);
    else multi.hdel(this.hash, message.id);
    multi.publish(this.channel, text);
    // The hash lives as long as its longest cooldown could (the cap is at most a day).
    multi.pexpire(this.hash, 86_400_000);
    multi.exec().catch((error: unknown) => this.redis.failed(error));
  }

  private receive(text: string): void {
    let message: CooldownMessage;
    try {
      message = JSON.parse(text) as CooldownMessage;
    } catch {
      return;
    }
    if (message.from === this.redis.instanceId || typeof message.id !== 'string') return;
    // Back in rotation there (a health probe answered, or an operator reset it): here too, at once.
    if (message.until === 0) this.state.applyRemoteReset(message.id);
    else if (message.until > this.clock.now() && message.reason)
      this.state.applyRemoteCooldown(message.id, message.until, message.reason);
  }
}
