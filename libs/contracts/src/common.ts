import { z } from 'zod';

/** Every admin list answers `{ data, nextCursor }`; pass `cursor` back to get the next page. */
export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const pageQuerySchema = z.object({
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** The admin API's error envelope. */
export const adminErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type AdminErrorBody = z.infer<typeof adminErrorSchema>;

/** The data plane's (OpenAI-compatible) error shape. */
export const openAIErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
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
