import { ConfigError, parseEnv } from './app-config';

describe('parseEnv', () => {
  it('gives empty variables their defaults instead of reading them as 0', () => {
    const env = parseEnv({ LOG_RETENTION_DAYS: '', SHUTDOWN_GRACE_MS: '', PORT: '' });
    expect(env.LOG_RETENTION_DAYS).toBe(30);
    expect(env.SHUTDOWN_GRACE_MS).toBe(15000);
    expect(env.PORT).toBe(4000);
  });

  it('reads LOG_RETENTION_DAYS, 0 meaning keep forever', () => {
    expect(parseEnv({ LOG_RETENTION_DAYS: '7' }).LOG_RETENTION_DAYS).toBe(7);
    expect(parseEnv({ LOG_RETENTION_DAYS: '0' }).LOG_RETENTION_DAYS).toBe(0);
  });

  it('refuses a negative or fractional retention with the variable named', () => {
    for (const bad of ['-1', '1.5', 'week']) {
      expect(() => parseEnv({ LOG_RETENTION_DAYS: bad })).toThrow(ConfigError);
      expect(() => parseEnv({ LOG_RETENTION_DAYS: bad })).toThrow(/LOG_RETENTION_DAYS/);
    }
  });

  describe('MASTER_KEY in production', () => {
    const prod = (MASTER_KEY: string) =>
      parseEnv({ NODE_ENV: 'production', MASTER_KEY, ENCRYPTION_KEY: 'k'.repeat(32) });

    it.each([
      ['8 characters', 'sk-12345'],
      ['31 characters', 'aB3'.repeat(10) + 'x'],
      ['one repeated character', 'a'.repeat(64)],
      ['few kinds of characters, under 40', 'abcdefghijklmnopqrstuvwxyzabcdefgh'],
    ])('refuses a guessable key (%s) with a clear way out', (_why, key) => {
      expect(() => prod(key)).toThrow(/MASTER_KEY: .*openssl rand -base64 32/);
    });

    it.each([
      ['openssl rand -base64 32', 'q3Vx9+Lw2Z0aTn8bE1sHfY7cK4pJmR6uD5gXoWiA2lM='],
      ['openssl rand -hex 32', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ])('takes a random key (%s)', (_how, key) => {
      expect(prod(key).MASTER_KEY).toBe(key);
    });

    it('still takes a short key in development', () => {
      expect(parseEnv({ MASTER_KEY: 'sk-12345' }).MASTER_KEY).toBe('sk-12345');
    });
  });
});
