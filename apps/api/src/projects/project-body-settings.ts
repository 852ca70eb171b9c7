import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { coalesce } from '../common/coalesce';
import { ChangeNotifier } from '../database/change-notifier';
import { LiveReload } from '../database/live-reload';
import type { BodyPolicy } from '../gateway/body-capture';
import { ProjectRepository } from './project.repository';

/** A lost notification is covered by this periodic reload. */
const RELOAD_INTERVAL_MS = 30_000;

/**
 * Which projects keep request and response bodies, and their caps: in memory, so the data plane asks
 * without a database round trip. Reloaded like the keys (and on the same `keys` topic, since a project's
 * settings reach requests through its keys): at start, after a change here (awaited, so a PATCH applies
 * before it returns), within a moment of a change on another instance, and every 30 s.
 */
@Injectable()
export class ProjectBodySettings implements BodyPolicy, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ProjectBodySettings');
  private limits = new Map<string, number>();
  private readonly live: LiveReload;

  constructor(
    private readonly repo: ProjectRepository,
    notifier: ChangeNotifier,
  ) {
    this.live = new LiveReload(notifier, 'keys', () => this.reload(), RELOAD_INTERVAL_MS);
  }

  async onModuleInit(): Promise<void> {
    await this.live.start();
  }

  onApplicationShutdown(): void {
    this.live.stop();
  }

  bodyMaxBytesFor(projectId: string): number | null {
    return this.limits.get(projectId) ?? null;
  }

  /** Call after writing a project's body settings: reloads here, then tells the other instances. */
  changed(): Promise<void> {
    return this.live.changed();
  }

  readonly reload = coalesce(async () => {
    try {
      const rows = await this.repo.findStoringBodies();
      this.limits = new Map(rows.map((r) => [r.id, r.bodyMaxBytes]));
    } catch (err) {
      // Keep the last good load.
      this.logger.error(`reload failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}
