import { isoDate } from '@switchboard/contracts';
import { z } from 'zod';

// To move into libs/contracts/src/observability.ts (owned by the lead) next to distributionSchema.

export const usageSummaryQuerySchema = z.object({ from: isoDate, to: isoDate });
export type UsageSummaryQuery = z.infer<typeof usageSummaryQuerySchema>;

/** The overview's headline numbers for [from, to), from the usage rollups (one-minute resolution). */
export const usageSummarySchema = z.object({
  from: isoDate,
  to: isoDate,
  requests: z.number(),
  errors: z.number(),
  /** errors / requests, 0 without requests. */
  errorRate: z.number(),
  requestsPerMinute: z.number(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number(),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;
