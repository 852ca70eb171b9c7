/**
 * Reasoning models (o1, o3, o4-mini, gpt-5 …) refuse `max_tokens` and need `max_completion_tokens`, with room
 * for some reasoning. Names usually carry the model (Azure deployment names too, as Dify assumes), with an
 * optional `vendor/` prefix.
 */
const REASONING_MODEL = /^(o\d|gpt-5)/i;

/** The token limit of a smallest billed chat probe ("Test connection", health checks) for `model`. */
export function probeTokenLimit(model: string): { max_tokens: 1 } | { max_completion_tokens: 16 } {
  const name = model.slice(model.lastIndexOf('/') + 1);
  return REASONING_MODEL.test(name) ? { max_completion_tokens: 16 } : { max_tokens: 1 };
}
