import type { OpenAiErrorObject } from './provider.types';

/**
 * Thrown by `buildRequest` when a client request cannot be sent to the chosen upstream (unsupported
 * capability or content, missing deployment config). Carries the HTTP status and OpenAI error fields so
 * the gateway's single error mapper can answer without knowing about providers.
 */
export class ProviderRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'ProviderRequestError';
  }

  toOpenAiError(): OpenAiErrorObject {
    return {
      message: this.message,
      type: this.status >= 500 ? 'server_error' : 'invalid_request_error',
      code: this.code,
      param: this.param,
    };
  }
}
