import { Injectable } from '@nestjs/common';
import type { StatsInterval } from './usage-stats.repository';
import { PrismaService } from '../database/prisma.service';

export interface AttemptCountRow {
  deploymentId: string;
  name: string | null;
  bucket: Date;
  outcome: string;
  attempts: number;
  latencyMsSum: number;
}

/** Attempts per deployment (AttemptRollup, written with each request-log batch). */
@Injectable()
export class AttemptStatsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Attempts in [from, to) per deployment, bucket of `interval` and outcome, in deployment and time order. */
  async counts(from: Date, to: Date, interval: StatsInterval): Promise<AttemptCountRow[]> {
    const rows = await this.prisma.$queryRaw<
      {
        deploymentId: string;
        name: string | null;
        bucket: Date;
        outcome: string;
        attempts: bigint;
        latencyMsSum: bigint;
      }[]
    >`
      SELECT "deploymentId"::text AS "deploymentId", max("deploymentName") AS name,
        date_trunc(${interval}, bucket, 'UTC') AS bucket, outcome,
        sum(attempts)::bigint AS attempts, sum("latencyMsSum")::bigint AS "latencyMsSum"
      FROM "AttemptRollup"
      WHERE bucket >= date_trunc('minute', ${from}::timestamptz) AND bucket < ${to}::timestamptz
      GROUP BY 1, 3, 4
      ORDER BY 1, 3, 4`;
    return rows.map((r) => ({
      ...r,
      attempts: Number(r.attempts),
      latencyMsSum: Number(r.latencyMsSum),
    }));
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM "AttemptRollup" WHERE bucket < ${cutoff}`;
  }
}
