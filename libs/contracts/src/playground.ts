import { z } from 'zod';

// The console's playground: one chat request through the real data plane, as a chosen key would send it.

/** Longest message content, in characters; the whole request is also bounded by the API's body limit. */
export const PLAYGROUND_MAX_CONTENT_CHARS = 100_000;
export const PLAYGROUND_MAX_MESSAGES = 50;
export const PLAYGROUND_MAX_TOKENS = 32_768;

/** The SSE event name of the playground's last event (after the data plane's own chunks). */
export const PLAYGROUND_SUMMARY_EVENT = 'switchboard';

export const playgroundMessageSchema = z
  .object({
    role: z.enum(['system', 'user', 'assistant']).describe('Who says it.'),
    content: z
      .string()
      .max(PLAYGROUND_MAX_CONTENT_CHARS, `must be at most ${PLAYGROUND_MAX_CONTENT_CHARS} characters`)
      .describe('The text of the message.'),
  })
  .strict();

export const playgroundChatSchema = z
  .object({
    keyId: z
      .uuid('must be a key id')
      .nullable()
      .describe(
        'The virtual key to send as (its limits, model list, spend and project apply); null sends as the master key, with no key limits.',
      ),
    model: z.string().trim().min(1, 'is required').max(200).describe('The model group to send to.'),
    messages: z
      .array(playgroundMessageSchema)
      .min(1, 'must contain at least one message')
      .max(PLAYGROUND_MAX_MESSAGES, `must contain at most ${PLAYGROUND_MAX_MESSAGES} messages`)
      .refine((m) => m.some((x) => x.role !== 'system'), 'must contain a user message')
      .describe('The conversation, as in chat/completions.'),
    stream: z
      .boolean()
      .default(true)
      .describe(
        `Stream the answer as server-sent events (the data plane's chunks, then one \`event: ${PLAYGROUND_SUMMARY_EVENT}\`).`,
      ),
    max_tokens: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(PLAYGROUND_MAX_TOKENS)
      .optional()
      .describe('Longest answer, in tokens.'),
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature (0 to 2).'),
  })
  .strict();
export type PlaygroundChat = z.input<typeof playgroundChatSchema>;

export const playgroundAttemptSchema = z.object({
  deployment: z.string().describe('The deployment tried.'),
  modelGroup: z.string().describe('Its model group (a fallback group when the request fell back).'),
  status: z.number().describe('200, the upstream status, or 499 when the caller went away.'),
  errorKind: z.string().nullable().describe('Why the attempt failed (rate_limited, server_error, …).'),
  latencyMs: z.number().describe('How long the attempt took.'),
});
export type PlaygroundAttempt = z.infer<typeof playgroundAttemptSchema>;

/** What the request log gets for the request, sent at the end of the answer (not read back from the log). */
export const playgroundSummarySchema = z.object({
  requestId: z.string().describe('The request id (Logs can search by it).'),
  modelGroup: z.string(),
  deployment: z.string().nullable().describe('The deployment that answered; null when none did.'),
  status: z.number().describe('The status the request log records.'),
  errorType: z.string().nullable(),
  errorMessage: z.string().nullable(),
  attempts: z.array(playgroundAttemptSchema).describe('Every attempt, in order: retries and fallbacks too.'),
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  costUsd: z.number().describe("The request's cost, as added to the key's spend."),
  latencyMs: z.number().describe('From arrival to the end of the answer.'),
  ttftMs: z.number().nullable().describe('Streams: time to the first token.'),
  endUser: z.string().nullable().describe('The end user the request log names (`playground:<actor>`).'),
});
export type PlaygroundSummary = z.infer<typeof playgroundSummarySchema>;

/** Non-stream answer: the completion as the data plane returned it, plus `switchboard`. */
export const playgroundCompletionSchema = z
  .looseObject({
    choices: z
      .array(
        z.looseObject({
          message: z.looseObject({ content: z.string().nullable().optional() }).optional(),
        }),
      )
      .optional(),
    switchboard: playgroundSummarySchema,
  })
  .describe("The chat completion, plus a `switchboard` object with the request log's figures.");
export type PlaygroundCompletion = z.infer<typeof playgroundCompletionSchema>;
