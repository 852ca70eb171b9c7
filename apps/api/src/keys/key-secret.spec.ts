import { generateVirtualKey, hashVirtualKey, keyDisplayPrefix } from './key-secret';

describe('virtual key secrets', () => {
  it('are sk-sb- plus 43 base62 characters (256 bits), different every time', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateVirtualKey()));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^sk-sb-[0-9A-Za-z]{43}$/);
  });

  it('are shown as a prefix with the first and last four characters, and stored as SHA-256 hex', () => {
    const key = 'sk-sb-AbCd' + 'x'.repeat(35) + 'wxyz';
    expect(keyDisplayPrefix(key)).toBe('sk-sb-AbCd…wxyz');
    expect(hashVirtualKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashVirtualKey(key)).not.toContain('AbCd');
  });
});
