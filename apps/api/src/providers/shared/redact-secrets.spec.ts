import { redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it('removes key-shaped strings, including masked echoes', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-****************abcd.')).toBe(
      'Incorrect API key provided: sk-[redacted].',
    );
    expect(redactSecrets('key sk-ant-api03-AbCdEf_123-xyz rejected')).toBe('key sk-[redacted] rejected');
    expect(redactSecrets('sent Authorization: Bearer eyJhbGciOi.abc.def')).toBe(
      'sent Authorization: Bearer [redacted]',
    );
    expect(redactSecrets('GET /v1?api-key=abc123&x=1')).toBe('GET /v1?api-key=[redacted]&x=1');
    expect(redactSecrets('azure key 0123456789abcdef0123456789ABCDEF is invalid')).toBe(
      'azure key [redacted] is invalid',
    );
  });

  it('removes the exact deployment key, and ignores values too short to be keys', () => {
    expect(redactSecrets('bad credential hunter2-local-key', ['hunter2-local-key'])).toBe(
      'bad credential [redacted]',
    );
    expect(redactSecrets('the model is ok', ['ok', null, undefined])).toBe('the model is ok');
  });

  it('leaves ordinary messages alone and caps their length', () => {
    expect(redactSecrets('prompt is too long: 208315 tokens > 200000 maximum')).toBe(
      'prompt is too long: 208315 tokens > 200000 maximum',
    );
    expect(redactSecrets('x'.repeat(5000))).toHaveLength(1001);
  });
});
