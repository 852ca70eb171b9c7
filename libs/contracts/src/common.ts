import { z } from 'zod';

/** Every admin list answers `{ data, nextCursor }`; pass `cursor` back to get the next page. */
export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });

export const pageQuerySchema = z.object({
  cursor: z.string().min(1).optional().describe('`nextCursor` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Page size.'),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** The admin API's error envelope. */
export const adminErrorSchema = z.object({
  error: z.object({
    code: z
      .string()
      .describe('Stable, machine-readable, e.g. `validation_failed`, `not_found`, `forbidden`.'),
    message: z.string().describe('For people; may change between versions.'),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('With `validation_failed`: every problem, by field path.'),
  }),
});
export type AdminErrorBody = z.infer<typeof adminErrorSchema>;

/** The data plane's (OpenAI-compatible) error shape. */
export const openAIErrorSchema = z.object({
  error: z.object({
    message: z.string().describe('For people: names the model, key alias or deployment concerned.'),
    type: z
      .string()
      .describe("OpenAI's error type, e.g. `invalid_request_error`, `rate_limit_error`, `api_error`."),
    param: z.string().nullable().describe('The request field at fault, e.g. `model`.'),
    code: z.string().nullable().describe('Stable, machine-readable, e.g. `model_not_found`.'),
  }),
});

export const isoDate = z.string().datetime({ offset: true });
export const tagsSchema = z.array(z.string().trim().min(1).max(64)).max(50);
export const nameSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'use letters, digits and . _ : / @ - (no spaces)');
