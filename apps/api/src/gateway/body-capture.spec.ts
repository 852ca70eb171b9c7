import fc from 'fast-check';
import { BodyCapture, capUtf8, multipartFields } from './body-capture';
import { isSecretKey, redactJson, redactText } from './body-redaction';

const alnum = fc.stringMatching(/^[A-Za-z0-9]{20,48}$/);
/** Credentials as clients paste them: provider keys, the gateway's own keys and tokens, bearer headers. */
const secretArb = fc.oneof(
  alnum.map((s) => `sk-${s}`),
  alnum.map((s) => `sk-proj-${s}`),
  alnum.map((s) => `sk-sb-${s}`),
  alnum.map((s) => `sk-ant-api03-${s}`),
  alnum.map((s) => `sb-admin-${s}`),
  alnum.map((s) => `AIza${s.padEnd(35, 'x')}`),
  alnum.map((s) => `ghp_${s}`),
);
/** Where a secret sits in ordinary text: after a space, quote, colon, bracket... never glued to a word. */
const separator = fc.constantFrom(' ', '\n', '"', "'", ':', '(', '[', '=', ', ', '> ');
const wordsArb = fc.string({ maxLength: 40 }).map((s) => s.replace(/[A-Za-z0-9_-]+$/, ''));

describe('body redaction', () => {
  it('never lets a generated secret survive inside a string, as JSON or as text', () => {
    fc.assert(
      fc.property(
        wordsArb,
        separator,
        secretArb,
        separator,
        wordsArb,
        (before, sep1, secret, sep2, after) => {
          const content = `${before}${sep1}${secret}${sep2}${after}`;
          const body = { model: 'gpt-4.1', messages: [{ role: 'user', content }] };
          expect(JSON.stringify(redactJson(body))).not.toContain(secret);
          expect(redactText(JSON.stringify(body))).not.toContain(secret);
          // A stream's events are stored as text: the same secret must not survive there either.
          expect(
            redactText(`data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`),
          ).not.toContain(secret);
          const bearer = `Bearer ${secret.slice(3)}`;
          expect(redactText(JSON.stringify({ note: `header ${bearer}` }))).not.toContain(secret.slice(3));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('redacts the values of credential-named keys at any depth, whatever the value', () => {
    const keyArb = fc.constantFrom(
      'authorization',
      'Authorization',
      'api_key',
      'apiKey',
      'API-KEY',
      'x-api-key',
      'password',
      'client_secret',
      'secret',
      'token',
      'access_token',
      'refresh_token',
    );
    fc.assert(
      fc.property(keyArb, fc.string({ minLength: 1, maxLength: 30 }), (key, value) => {
        const marker = `V${value}V`;
        const body = { model: 'm', nested: [{ deeper: { [key]: marker } }], [key]: { anything: marker } };
        const out = JSON.stringify(redactJson(body));
        expect(out).not.toContain(JSON.stringify(marker).slice(1, -1));
        const text = redactText(`data: {"x":1,${JSON.stringify(key)}:${JSON.stringify(marker)}}\n\n`);
        expect(text).not.toContain(JSON.stringify(marker).slice(1, -1));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps token counts and ordinary fields', () => {
    for (const k of ['max_tokens', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'model', 'user'])
      expect(isSecretKey(k)).toBe(false);
    const body = { model: 'gpt-4.1', max_tokens: 5, user: 'u-1', usage: { prompt_tokens: 3 } };
    expect(redactJson(body)).toEqual(body);
  });

  it('redacts the exact secrets it is given (the master key)', () => {
    expect(redactText('use Master-Key-123456 now', ['Master-Key-123456'])).toBe('use [redacted] now');
  });
});

describe('capUtf8', () => {
  it('cuts at most maxBytes UTF-8 bytes on a character boundary, as long as possible', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 1, max: 400 }),
        (s, max) => {
          const { text, cut } = capUtf8(s, max);
          expect(Buffer.byteLength(text)).toBeLessThanOrEqual(max);
          expect(s.startsWith(text)).toBe(true);
          expect(text.isWellFormed()).toBe(true);
          expect(cut).toBe(text.length < s.length);
          if (cut) {
            // The next code point would not have fitted.
            const next = String.fromCodePoint(s.codePointAt(text.length)!);
            expect(Buffer.byteLength(text) + Buffer.byteLength(next)).toBeGreaterThan(max);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('BodyCapture', () => {
  it('stores a stream as written, redacted, up to the cap and marked truncated beyond it', () => {
    const capture = new BodyCapture(64);
    for (let i = 0; i < 20; i++) capture.appendStream(`data: {"n":${i},"k":"sk-abcdefghijkl${i}"}\n\n`);
    const out = capture.finish({ body: { model: 'm', api_key: 'sk-xyz1234567890' } });
    expect(out.truncated).toBe(true);
    expect(Buffer.byteLength(out.response!)).toBeLessThanOrEqual(64);
    expect(out.response).not.toContain('sk-abcdefghijkl');
    expect(out.request).toBe('{"model":"m","api_key":"[redacted]"}');
  });

  it('stores audio as its size only, and a form without its file', () => {
    const capture = new BodyCapture(1024);
    capture.setResponse(Buffer.alloc(5000), true);
    const boundary = 'XyZ';
    const form = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF....secret-audio\r\n` +
        `--${boundary}--\r\n`,
      'latin1',
    );
    const out = capture.finish({ rawBody: form, contentType: `multipart/form-data; boundary=${boundary}` });
    expect(out.response).toBe('[binary, 5000 bytes]');
    expect(JSON.parse(out.request!)).toEqual({ model: 'whisper-1', file: '[file a.wav, 20 bytes]' });
    expect(multipartFields(form, 'multipart/form-data')).toEqual(JSON.parse(out.request!));
  });
});
