import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const CHANGE_CHANNEL = 'switchboard_config_changed';
export type ChangeTopic = 'routing' | 'keys' | 'prices';
export type ChangeListener = (topic: ChangeTopic, fromThisInstance: boolean) => void;

/**
 * Tells every gateway instance on the same database that configuration changed, with PostgreSQL
 * LISTEN/NOTIFY on one dedicated connection. After a lost connection it reconnects and reports every
 * topic as changed, since notifications sent meanwhile are gone.
 */
@Injectable()
export class ChangeNotifier implements OnModuleInit, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('ChangeNotifier');
  private readonly listeners = new Set<ChangeListener>();
  private client: Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Notify the other instances (this one is told synchronously, before the NOTIFY goes out). */
  async publish(topic: ChangeTopic): Promise<void> {
    this.emit(topic, true);
    const payload = JSON.stringify({ instance: this.instanceId, topic });
    try {
      if (!this.client) throw new Error('not connected');
      await this.client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, payload]);
    } catch (err) {
      this.logger.warn(
        `could not notify other instances: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private emit(topic: ChangeTopic, local: boolean): void {
    for (const l of this.listeners) {
      try {
        l(topic, local);
      } catch (err) {
        this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANGE_CHANNEL || !msg.payload) return;
      try {
        const { instance, topic } = JSON.parse(msg.payload) as { instance: string; topic: ChangeTopic };
        if (instance !== this.instanceId) this.emit(topic, false);
      } catch {
        // Not ours; ignore.
      }
    });
    client.on('error', (err) => {
      this.logger.warn(`change listener connection lost: ${err.message}`);
      this.scheduleReconnect();
    });
    client.on('end', () => this.scheduleReconnect());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      const reconnecting = this.client !== null;
      this.client = client;
      if (reconnecting) for (const t of ['routing', 'keys', 'prices'] as const) this.emit(t, false);
    } catch (err) {
      await client.end().catch(() => undefined);
      if (!this.client) this.client = null;
      this.logger.warn(
        `change listener could not connect: ${err instanceof Error ? err.message : String(err)}`,
      );
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, 1000);
    this.retryTimer.unref();
  }
}
