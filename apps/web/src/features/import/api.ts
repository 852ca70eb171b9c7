import { adminErrorSchema, importPlanSchema, type ImportPlan } from '@switchboard/contracts';
import { ApiError } from '@/lib/api-client';

/**
 * The import endpoint takes the YAML file itself (`application/yaml`), not JSON, so it cannot go
 * through `apiRequest`; errors are turned into the same `ApiError` all the same.
 */
async function postLiteLlmConfig(yaml: string, dryRun: boolean): Promise<ImportPlan> {
  const path = dryRun ? '/api/import/litellm?dryRun=true' : '/api/import/litellm';
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/yaml' },
      body: yaml,
      credentials: 'include',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'Could not reach the Switchboard API. Check your connection and try again.',
    );
  }

  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }

  if (!response.ok) {
    const envelope = adminErrorSchema.safeParse(json);
    if (envelope.success) {
      const { code, message, details } = envelope.data.error;
      throw new ApiError(response.status, code, message, details);
    }
    throw new ApiError(
      response.status,
      response.status >= 500 ? 'api_unavailable' : 'http_error',
      response.status >= 500
        ? `The Switchboard API is unavailable (HTTP ${response.status}). Try again in a moment.`
        : `The request failed (HTTP ${response.status}).`,
    );
  }

  const parsed = importPlanSchema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'invalid_response',
      'The API sent a response this console does not understand.',
    );
  }
  return parsed.data;
}

/** What importing would change, without changing anything. */
export function previewImport(yaml: string): Promise<ImportPlan> {
  return postLiteLlmConfig(yaml, true);
}

/** Applies the import; the answer lists what was done. */
export function applyImport(yaml: string): Promise<ImportPlan> {
  return postLiteLlmConfig(yaml, false);
}
