import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

export interface RefusalCount {
  bucket: Date;
  route: string;
  status: number;
  reason: string;
  count: number;
}

@Injectable()
export class RefusalRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Adds per-minute counts in one statement (several instances add to the same rows). */
  async addCounts(counts: readonly RefusalCount[]): Promise<void> {
    if (counts.length === 0) return;
    const json = JSON.stringify(counts.map((c) => ({ ...c, bucket: c.bucket.toISOString() })));
    await this.prisma.$executeRaw`
      INSERT INTO "RequestRefusalMinute" (bucket, route, status, reason, count)
      SELECT bucket, route, status, reason, count
      FROM jsonb_to_recordset(${json}::jsonb) AS r(bucket timestamptz, route text, status int, reason text, count int)
      ON CONFLICT (bucket, route, status, reason)
      DO UPDATE SET count = "RequestRefusalMinute".count + EXCLUDED.count`;
  }

  /** Refusals in [from, to) by reason and status, most first. */
  async sumByReason(from: Date, to: Date): Promise<{ reason: string; status: number; count: number }[]> {
    const rows = await this.prisma.$queryRaw<{ reason: string; status: number; count: bigint }[]>`
      SELECT reason, status, sum(count)::bigint AS count FROM "RequestRefusalMinute"
      WHERE bucket >= date_trunc('minute', ${from}::timestamptz) AND bucket < ${to}::timestamptz
      GROUP BY reason, status ORDER BY 3 DESC LIMIT 50`;
    return rows.map((r) => ({ reason: r.reason, status: r.status, count: Number(r.count) }));
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM "RequestRefusalMinute" WHERE bucket < ${cutoff}`;
  }
}
