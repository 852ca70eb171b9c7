import { importRequestSchema } from '@switchboard/contracts';
import { z } from 'zod';

/**
 * The config as the raw body (YAML content types, or text/plain), or as JSON `{ "yaml": "…", "env"?,
 * "dotenv"?, "names"? }` when it comes with values for its `os.environ/NAME` references or renames.
 */
export const litellmImportBodySchema = z.union(
  [z.string().transform((yaml) => ({ yaml })), importRequestSchema],
  {
    error:
      'send the LiteLLM config.yaml as the body (Content-Type: application/yaml) or as JSON {"yaml": "…", "env": {…}}',
  },
);
export type LiteLLMImportBody = z.output<typeof litellmImportBodySchema>;

export const litellmImportQuerySchema = z.object({
  /** `true` answers the plan without changing anything. */
  dryRun: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});
export type LiteLLMImportQuery = z.output<typeof litellmImportQuerySchema>;
