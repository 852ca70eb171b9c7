import {
  adminErrorSchema,
  importPlanSchema,
  type ImportPlan,
  type ImportRequest,
} from '@switchboard/contracts';
import { ApiError } from '@/lib/api-client';

/**
 * Posts `{ yaml, env, names }`: `env` holds the values of the file's `os.environ/NAME` references, parsed
 * from the pasted `.env` block in the browser (the API never echoes them). Kept off `apiRequest` so the
 * plan is validated here with its own schema; errors become the same `ApiError` all the same.
 */
async function postLiteLlmConfig(request: ImportRequest, dryRun: boolean): Promise<ImportPlan> {
  const path = dryRun ? '/api/import/litellm?dryRun=true' : '/api/import/litellm';
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      // x-switchboard-csrf: the API refuses cookie-authenticated changes without it.
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'x-switchboard-csrf': '1' },
      body: JSON.stringify(request),
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
export function previewImport(request: ImportRequest): Promise<ImportPlan> {
  return postLiteLlmConfig(request, true);
}

/** Applies the import; the answer lists what was done. */
export function applyImport(request: ImportRequest): Promise<ImportPlan> {
  return postLiteLlmConfig(request, false);
}
