import { isoDate } from '@switchboard/contracts';
import { z } from 'zod';

// Mirrors apps/api/src/usage/usage-summary.schema.ts; import it from @switchboard/contracts once it moves there.
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
