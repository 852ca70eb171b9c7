import type { RequestLogBodies } from '../usage/request-log-entry';
import { redactJson, redactString, redactText } from './body-redaction';

/**
 * Which projects keep their request and response bodies, as the data plane asks it: from memory, never
 * a database round trip. Implemented in ../projects (ProjectBodySettings).
 */
export interface BodyPolicy {
  /** The project's cap per body in UTF-8 bytes; null when the project does not keep bodies. */
  bodyMaxBytesFor(projectId: string): number | null;
}

export const BODY_POLICY = Symbol('BODY_POLICY');

/** The request as the gateway received it: parsed JSON, or a multipart form's raw bytes. */
export interface ReceivedRequest {
  body?: unknown;
  rawBody?: Buffer;
  contentType?: string;
}

const encoder = new TextEncoder();

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes on a character boundary (never half a character or half a
 * surrogate pair); `cut` when anything was left out.
 */
export function capUtf8(text: string, maxBytes: number): { text: string; cut: boolean } {
  // Every UTF-16 unit is at least one UTF-8 byte: short strings need no encoding at all.
  if (text.length <= maxBytes && Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, cut: false };
  const { read } = encoder.encodeInto(text, new Uint8Array(maxBytes));
  return { text: text.slice(0, read), cut: read < text.length };
}

/**
 * The fields of a multipart form (audio transcriptions), never a file's content: a file part is shown as
 * `[file name, N bytes]`.
 */
export function multipartFields(raw: Buffer, contentType: string): Record<string, string> {
  // Without a boundary in the content type, the form's first line names it.
  const boundary =
    /boundary="?([^";]+)"?/i.exec(contentType)?.[1] ??
    /^--([^\r\n]+)\r?\n/.exec(raw.toString('latin1', 0, 256))?.[1];
  const fields: Record<string, string> = {};
  if (!boundary) return fields;
  const text = raw.toString('latin1');
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) continue;
    const headers = part.slice(0, headerEnd);
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    const value = part.slice(headerEnd + 4).replace(/\r\n$/, '');
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    fields[Buffer.from(name, 'latin1').toString('utf8')] =
      filename !== undefined
        ? `[file ${Buffer.from(filename, 'latin1').toString('utf8')}, ${Buffer.byteLength(value, 'latin1')} bytes]`
        : Buffer.from(value, 'latin1').toString('utf8');
  }
  return fields;
}

/**
 * Collects one request's bodies for a project that keeps them. Nothing here runs before the client's
 * answer: a stream's events are appended as they are written (a string push, up to the cap), and the
 * serialising, redaction and capping happen when the request is logged, after the answer went out.
 */
export class BodyCapture {
  private readonly streamParts: string[] = [];
  private streamChars = 0;
  private cut = false;
  private responseText: string | null = null;

  constructor(
    readonly maxBytes: number,
    /** Exact values never to store (the master key). */
    private readonly knownSecrets: readonly string[] = [],
  ) {}

  /** An SSE event as written to the client (keep-alive pings are not passed here). */
  appendStream(text: string): void {
    // A UTF-16 unit is at least one UTF-8 byte, so once the units reach the cap the bytes have too.
    if (this.streamChars >= this.maxBytes) {
      this.cut = true;
      return;
    }
    this.streamParts.push(text);
    this.streamChars += text.length;
  }

  /** A non-stream answer as sent to the client. */
  setResponse(body: Buffer | object | string, binary: boolean): void {
    if (binary) {
      this.responseText = `[binary, ${Buffer.isBuffer(body) ? body.length : 0} bytes]`;
      return;
    }
    if (typeof body === 'string') this.responseText = body;
    else if (Buffer.isBuffer(body)) {
      // Only the cap's worth (a UTF-8 character is at most 4 bytes) is decoded.
      const end = Math.min(body.length, this.maxBytes * 4 + 4);
      this.responseText = body.toString('utf8', 0, end);
      if (end < body.length) this.cut = true;
    } else this.responseText = JSON.stringify(body);
  }

  /** Redacted and capped: called when the request is logged. */
  finish(received: ReceivedRequest): RequestLogBodies {
    const request = this.requestText(received);
    const rawResponse = this.responseText ?? (this.streamParts.length > 0 ? this.streamParts.join('') : null);
    const req = request === null ? null : capUtf8(request, this.maxBytes);
    const res =
      rawResponse === null ? null : capUtf8(redactText(rawResponse, this.knownSecrets), this.maxBytes);
    return {
      request: req?.text ?? null,
      response: res?.text ?? null,
      truncated: Boolean(req?.cut || res?.cut || this.cut),
    };
  }

  private requestText(received: ReceivedRequest): string | null {
    const { rawBody, contentType } = received;
    if (rawBody && contentType?.startsWith('multipart/form-data')) {
      return JSON.stringify(redactJson(multipartFields(rawBody, contentType), this.knownSecrets));
    }
    const body = received.body;
    if (body === undefined || body === null) return null;
    if (Buffer.isBuffer(body)) return `[binary, ${body.length} bytes]`;
    if (typeof body === 'string') return redactString(body, this.knownSecrets);
    return JSON.stringify(redactJson(body, this.knownSecrets));
  }
}
