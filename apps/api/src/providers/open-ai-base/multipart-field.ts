/**
 * Rewrites one text field of a multipart/form-data body without touching any other byte. Used to put the
 * upstream model id into transcription uploads; the audio part is copied as a slice, never re-encoded.
 */

const CRLF = Buffer.from('\r\n', 'latin1');
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const DASH = 0x2d;

export function multipartBoundary(contentType: string): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : null;
}

export function replaceMultipartField(
  body: Buffer,
  contentType: string,
  field: string,
  value: string,
): Buffer {
  const boundary = multipartBoundary(contentType);
  if (boundary === null) return body;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const nextPartMarker = Buffer.concat([CRLF, delimiter]);
  const fieldHeader = new RegExp(
    `content-disposition:[^\\r\\n]*;\\s*name="?${escapeRegExp(field)}"?(;|\\s|$)`,
    'im',
  );

  let partStart = body.indexOf(delimiter);
  while (partStart !== -1) {
    const afterDelimiter = partStart + delimiter.length;
    if (body[afterDelimiter] === DASH && body[afterDelimiter + 1] === DASH) break; // closing delimiter
    const headersStart = afterDelimiter + CRLF.length;
    const headersEnd = body.indexOf(HEADER_END, headersStart);
    if (headersEnd === -1) break;
    const contentStart = headersEnd + HEADER_END.length;
    const contentEnd = body.indexOf(nextPartMarker, contentStart);
    if (contentEnd === -1) break;
    if (fieldHeader.test(body.toString('latin1', headersStart, headersEnd))) {
      if (body.toString('utf8', contentStart, contentEnd) === value) return body;
      return Buffer.concat([
        body.subarray(0, contentStart),
        Buffer.from(value, 'utf8'),
        body.subarray(contentEnd),
      ]);
    }
    partStart = contentEnd + CRLF.length;
  }
  return body;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
