import { mappedRole, parseOidcSettings } from './oidc-settings';

const base = { NODE_ENV: 'development', WEB_PORT: 3000 };

describe('OIDC_* settings', () => {
  it('leaves SSO off without OIDC_ISSUER, but names a stray OIDC variable', () => {
    expect(parseOidcSettings(base)).toEqual({ settings: null, problems: [] });
    expect(parseOidcSettings({ ...base, OIDC_CLIENT_ID: 'x' }).problems).toEqual([
      'OIDC_ISSUER: required when OIDC_CLIENT_ID is set',
    ]);
  });

  it('defaults the callback to the local console, the scopes, the label and the viewer role', () => {
    const { settings } = parseOidcSettings({
      ...base,
      OIDC_ISSUER: 'https://accounts.google.com/',
      OIDC_CLIENT_ID: 'c',
    });
    expect(settings).toMatchObject({
      issuer: 'https://accounts.google.com',
      redirectUrl: 'http://localhost:3000/api/auth/oidc/callback',
      scopes: 'openid email profile',
      defaultRole: 'viewer',
      allowedDomains: [],
    });
  });

  it('names every problem: bad map, missing claim, unknown or admin default role, no callback in production', () => {
    const { settings, problems } = parseOidcSettings({
      ...base,
      NODE_ENV: 'production',
      OIDC_ISSUER: 'not a url',
      OIDC_ROLE_MAP: 'admins=root,ops',
      OIDC_DEFAULT_ROLE: 'admin',
    });
    expect(settings).toBeNull();
    expect(problems).toEqual([
      "OIDC_ISSUER: 'not a url' is not an http(s) URL",
      'OIDC_CLIENT_ID: required with OIDC_ISSUER',
      'OIDC_REDIRECT_URL: required with OIDC_ISSUER in production (the console URL + /api/auth/oidc/callback)',
      "OIDC_ROLE_MAP: 'admins=root' is not claimValue=role (roles: admin, operator, viewer, project-member)",
      "OIDC_ROLE_MAP: 'ops' is not claimValue=role (roles: admin, operator, viewer, project-member)",
      'OIDC_DEFAULT_ROLE: admin would make everyone the provider knows an admin; map a claim instead',
    ]);
  });

  it('maps a string or array claim to the strongest role it names', () => {
    const { settings } = parseOidcSettings({
      ...base,
      OIDC_ISSUER: 'https://kc.example.com/realms/acme',
      OIDC_CLIENT_ID: 'c',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'readers=viewer, sb-admins=admin, ops=operator',
      OIDC_DEFAULT_ROLE: 'none',
    });
    expect(settings!.defaultRole).toBeNull();
    expect(mappedRole(settings!, { groups: ['ops', 'readers'] })).toBe('operator');
    expect(mappedRole(settings!, { groups: ['readers', 'sb-admins'] })).toBe('admin');
    expect(mappedRole(settings!, { groups: 'readers' })).toBe('viewer');
    expect(mappedRole(settings!, { groups: ['unknown'] })).toBeNull();
    expect(mappedRole(settings!, {})).toBeNull();
  });
});
