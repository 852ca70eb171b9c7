/** Admin API error: rendered as `{"error":{"code","message","details"?}}`. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Data-plane error: rendered in OpenAI's shape `{"error":{"message","type","param","code"}}`. */
export class OpenAIError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'OpenAIError';
  }

  toBody() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * A request refused before any handler runs (e.g. JSON nested too deep): 400 in whichever shape the
 * surface uses, with this code.
 */
export class RequestBodyError extends Error {
  readonly statusCode = 400;

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestBodyError';
  }
}
