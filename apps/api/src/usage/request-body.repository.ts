import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface StoredBodies {
  request: string | null;
  response: string | null;
  truncated: boolean;
}

/** Stored request and response bodies (RequestBody): read for the log detail, trimmed by retention. */
@Injectable()
export class RequestBodyRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByRequestId(requestId: string): Promise<StoredBodies | null> {
    return this.prisma.requestBody.findUnique({
      where: { requestId },
      select: { request: true, response: true, truncated: true },
    });
  }

  /** The project's current body settings (null without such a project). */
  findProjectSettings(projectId: string): Promise<{ storeBodies: boolean; bodyMaxBytes: number } | null> {
    return this.prisma.project.findUnique({
      where: { id: projectId },
      select: { storeBodies: true, bodyMaxBytes: true },
    });
  }

  /**
   * Deletes up to `limit` bodies older than their project's bodyRetentionDays (or than `maxDays`, the raw
   * log's retention, when that is shorter and not 0); bodies of deleted projects go at once.
   */
  async deleteExpired(now: Date, maxDays: number, limit: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM "RequestBody" WHERE "requestId" IN (
        SELECT b."requestId" FROM "RequestBody" b LEFT JOIN "Project" p ON p.id = b."projectId"
        WHERE b."createdAt" < ${now}::timestamptz - make_interval(days =>
          CASE WHEN p.id IS NULL THEN 0
               WHEN ${maxDays}::int > 0 THEN LEAST(p."bodyRetentionDays", ${maxDays}::int)
               ELSE p."bodyRetentionDays" END)
        LIMIT ${limit}
      )`;
  }
}
