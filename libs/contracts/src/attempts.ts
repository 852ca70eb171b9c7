import { z } from 'zod';
import { isoDate } from './common';
import { STATS_INTERVALS } from './observability';

export const attemptStatsQuerySchema = z.object({
  from: isoDate.describe('Start of the range (inclusive).'),
  to: isoDate.describe('End of the range (exclusive).'),
  interval: z.enum(STATS_INTERVALS).default('hour').describe('Bucket size of each series.'),
});
export type AttemptStatsQuery = z.infer<typeof attemptStatsQuerySchema>;

export const attemptBucketSchema = z.object({
  bucket: isoDate,
  attempts: z.number(),
  failed: z.number(),
});

export const deploymentAttemptsSchema = z
  .object({
    deploymentId: z.string(),
    label: z.string().describe('The deployment name (the last one seen, for deleted deployments).'),
    attempts: z
      .number()
      .describe('Every attempt sent to the deployment: first tries, retries and fallbacks.'),
    failed: z.number().describe('Attempts that failed (a client hanging up is not the deployment failing).'),
    errorRate: z.number().nullable().describe('failed / (attempts − client_closed); null without attempts.'),
    failuresByKind: z
      .record(z.string(), z.number())
      .describe('Failed attempts by kind: auth, rate_limit, server, timeout, network, unsupported_route...'),
    clientClosed: z.number().describe('Attempts cut short because the client went away.'),
    avgLatencyMs: z.number().nullable(),
    buckets: z.array(attemptBucketSchema),
  })
  .describe(
    "One deployment's attempts, whatever the request's final answer: a deployment failing while retries elsewhere answer shows here.",
  );

export const attemptStatsSchema = z.object({
  from: isoDate,
  to: isoDate,
  interval: z.enum(STATS_INTERVALS),
  deployments: z.array(deploymentAttemptsSchema),
});
export type AttemptStats = z.infer<typeof attemptStatsSchema>;
export type DeploymentAttempts = z.infer<typeof deploymentAttemptsSchema>;
