import { z } from 'zod';

// Local to the import endpoint for now; candidates for libs/contracts once the console uploads files.

/** The config as the raw body (YAML content types, or text/plain) or as JSON `{ "yaml": "…" }`. */
export const litellmImportBodySchema = z.union(
  [
    z.string(),
    z
      .object({ yaml: z.string() })
      .strict()
      .transform((b) => b.yaml),
  ],
  {
    error:
      'send the LiteLLM config.yaml as the body (Content-Type: application/yaml) or as JSON {"yaml": "…"}',
  },
);

export const litellmImportQuerySchema = z.object({
  /** `true` answers the plan without changing anything. */
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});
export type LiteLLMImportQuery = z.output<typeof litellmImportQuerySchema>;
