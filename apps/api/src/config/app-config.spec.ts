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
});
