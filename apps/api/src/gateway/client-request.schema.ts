import { z } from 'zod';
import type { Capability } from '../providers/provider.types';

// Only what the gateway itself relies on is checked; every other field passes through untouched.
const model = z.string({ error: 'must be a string naming a model' }).trim().min(1, 'is required');
const stream = z.boolean({ error: 'must be true or false' }).nullish();
const maxTokens = z.number({ error: 'must be a number' }).int('must be an integer').min(0).nullish();

const message = z.looseObject({
  role: z.string({ error: 'must be a string (system, user, assistant, tool…)' }),
});

const schemas: Record<Capability, z.ZodType<{ model: string; stream?: boolean | null }>> = {
  chat: z.looseObject({
    model,
    stream,
    max_tokens: maxTokens,
    max_completion_tokens: maxTokens,
    messages: z
      .array(message, { error: 'must be an array of messages' })
      .min(1, 'must contain at least one message'),
  }),
  completions: z.looseObject({
    model,
    stream,
    max_tokens: maxTokens,
    prompt: z.union([z.string(), z.array(z.unknown())], { error: 'must be a string or an array' }),
  }),
  embeddings: z.looseObject({
    model,
    input: z.union([z.string(), z.array(z.unknown()).min(1, 'must not be empty')], {
      error: 'must be a string or an array',
    }),
  }),
  rerank: z.looseObject({
    model,
    query: z.string({ error: 'must be a string' }),
    documents: z.array(z.unknown(), { error: 'must be an array' }),
  }),
  'audio.speech': z.looseObject({ model, input: z.string({ error: 'must be a string' }) }),
  'audio.transcriptions': z.looseObject({ model }),
};

export type ClientBody = Record<string, unknown> & { model: string; stream?: boolean | null };

/** Returns the parsed body or an issue (path + message) for a 400. */
export function validateClientBody(
  capability: Capability,
  body: unknown,
): { ok: true; body: ClientBody } | { ok: false; param: string | null; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, param: null, message: 'Request body must be a JSON object.' };
  }
  const result = schemas[capability].safeParse(body);
  if (result.success) return { ok: true, body: body as ClientBody };
  const issue = result.error.issues[0];
  const param = issue && issue.path.length ? issue.path.join('.') : null;
  return {
    ok: false,
    param,
    message: `Invalid request: '${param ?? 'body'}' ${issue?.message ?? 'is invalid'}.`,
  };
}

/** Multipart bodies (audio/transcriptions) are passed through raw; we only need the model field. */
export function multipartField(raw: Buffer, name: string): string | null {
  const text = raw.toString('latin1', 0, Math.min(raw.length, 64 * 1024));
  const re = new RegExp(`name="${name}"\\r?\\n(?:[^\\r\\n]+\\r?\\n)*\\r?\\n([^\\r\\n]*)`);
  const m = re.exec(text);
  return m?.[1] ? Buffer.from(m[1], 'latin1').toString('utf8') : null;
}
