import { parseCookies, serializeCookie } from './cookies';

describe('cookies', () => {
  it('parses a Cookie header, first occurrence winning, tolerating junk', () => {
    const c = parseCookies('theme=dark; sb_session=abc_DEF-123; sb_session=second; junk; =x; q="quoted%20v"');
    expect(c.get('sb_session')).toBe('abc_DEF-123');
    expect(c.get('theme')).toBe('dark');
    expect(c.get('q')).toBe('quoted v');
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies('bad=%E0%A4%A').get('bad')).toBe('%E0%A4%A');
  });

  it('serializes an httpOnly Lax cookie, Secure only when asked', () => {
    expect(serializeCookie('sb_session', 'tok', { maxAgeSeconds: 43200, secure: false })).toBe(
      'sb_session=tok; Path=/; Max-Age=43200; SameSite=Lax; HttpOnly',
    );
    expect(serializeCookie('sb_session', '', { maxAgeSeconds: 0, secure: true })).toBe(
      'sb_session=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly; Secure',
    );
  });
});
