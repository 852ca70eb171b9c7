import { z } from 'zod';

// LiteLLM Proxy's own wire format (https://docs.litellm.ai/docs/proxy/virtual_keys), for scripts written
// against it. Local to this module: the console never speaks it.

const positiveInt = z.number().int().positive().nullish();

/** `POST /key/generate`. Fields LiteLLM has and Switchboard cannot honour are refused, not ignored. */
export const litellmGenerateKeySchema = z
  .object({
    models: z.array(z.string().trim().min(1)).max(200).nullish(),
    key_alias: z.string().trim().min(1).max(128).nullish(),
    max_budget: z.number().positive().nullish(),
    budget_duration: z.string().trim().min(1).nullish(),
    rpm_limit: positiveInt,
    tpm_limit: positiveInt,
    max_parallel_requests: positiveInt,
    metadata: z.record(z.string(), z.unknown()).nullish(),
    duration: z.string().trim().min(1).nullish(),
    /** A project id or name; without it the key goes to the project "LiteLLM compat". */
    team_id: z.string().trim().min(1).nullish(),
    /** Kept in metadata (`litellm_user_id`): Switchboard has no users. */
    user_id: z.string().trim().min(1).nullish(),
    /** Kept in metadata (`tags`). */
    tags: z.array(z.string()).nullish(),
  })
  .strict();
export type LiteLLMGenerateKey = z.output<typeof litellmGenerateKeySchema>;

export const litellmKeyInfoQuerySchema = z.object({
  key: z.string().trim().min(1, 'is required: the key (sk-sb-…) or its id'),
});

export const litellmDeleteKeysSchema = z
  .object({
    keys: z.array(z.string().trim().min(1)).max(500).nullish(),
    key_aliases: z.array(z.string().trim().min(1)).max(500).nullish(),
  })
  .strict()
  .refine((b) => (b.keys?.length ?? 0) + (b.key_aliases?.length ?? 0) > 0, {
    message: 'name at least one key in keys or key_aliases',
  });
export type LiteLLMDeleteKeys = z.output<typeof litellmDeleteKeysSchema>;

/** `POST /model/new`: one `model_list` entry, read exactly as the config import reads it. */
export const litellmNewModelSchema = z
  .object({
    model_name: z.string().trim().min(1),
    litellm_params: z.record(z.string(), z.unknown()),
    model_info: z.record(z.string(), z.unknown()).nullish(),
  })
  .strict();
export type LiteLLMNewModel = z.output<typeof litellmNewModelSchema>;

export const litellmModelInfoQuerySchema = z.object({
  litellm_model_id: z.string().trim().min(1).optional(),
});

export const litellmDeleteModelSchema = z.object({ id: z.string().trim().min(1) }).strict();

// ---------- responses ----------

export const litellmKeyInfoSchema = z.object({
  key_name: z.string(),
  key_alias: z.string().nullable(),
  token: z.string(),
  team_id: z.string(),
  team_alias: z.string().nullable(),
  models: z.array(z.string()),
  spend: z.number(),
  max_budget: z.number().nullable(),
  budget_duration: z.string().nullable(),
  budget_reset_at: z.string().nullable(),
  rpm_limit: z.number().nullable(),
  tpm_limit: z.number().nullable(),
  max_parallel_requests: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  expires: z.string().nullable(),
  blocked: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  last_active: z.string().nullable(),
});
export type LiteLLMKeyInfo = z.infer<typeof litellmKeyInfoSchema>;

export const litellmGeneratedKeySchema = litellmKeyInfoSchema.extend({
  key: z.string(),
  token_id: z.string(),
});
export type LiteLLMGeneratedKey = z.infer<typeof litellmGeneratedKeySchema>;

export const litellmKeyInfoResponseSchema = z.object({ key: z.string(), info: litellmKeyInfoSchema });
export const litellmDeletedKeysSchema = z.object({ deleted_keys: z.array(z.string()) });

export const litellmModelSchema = z.object({
  model_name: z.string(),
  litellm_params: z.record(z.string(), z.unknown()),
  model_info: z.object({ id: z.string() }).catchall(z.unknown()),
});
export type LiteLLMModel = z.infer<typeof litellmModelSchema>;
export const litellmModelListSchema = z.object({ data: z.array(litellmModelSchema) });
export const litellmNewModelResponseSchema = litellmModelSchema.extend({ model_id: z.string() });
export const litellmMessageSchema = z.object({ message: z.string() });
