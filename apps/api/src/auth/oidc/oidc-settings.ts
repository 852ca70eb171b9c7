import { type Role, roleSchema } from '@switchboard/contracts';

/** Single sign-on with an OpenID Connect provider, from OIDC_* (see README "Single sign-on"). */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Unset: a public client (PKCE only). */
  clientSecret: string | undefined;
  /** The console's callback as the browser reaches it: `<console URL>/api/auth/oidc/callback`. */
  redirectUrl: string;
  scopes: string;
  /** Lower-case email domains allowed to sign in; empty = any. */
  allowedDomains: string[];
  /** The claim (string or array of strings) mapped to a role, e.g. `groups` or `roles`. */
  roleClaim: string | undefined;
  /** Claim value → role, in OIDC_ROLE_MAP's order. */
  roleMap: { value: string; role: Role }[];
  /** Role of a new account whose claims map to none; null refuses such people. */
  defaultRole: Role | null;
  /** The login page's button. */
  label: string;
}

/** The OIDC_* variables as the environment has them (already trimmed; empty = unset). */
export interface OidcEnv {
  NODE_ENV: string;
  WEB_PORT: number;
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_CLIENT_SECRET?: string;
  OIDC_REDIRECT_URL?: string;
  OIDC_SCOPES?: string;
  OIDC_ALLOWED_DOMAINS?: string;
  OIDC_ROLE_CLAIM?: string;
  OIDC_ROLE_MAP?: string;
  OIDC_DEFAULT_ROLE?: string;
  OIDC_LABEL?: string;
}

/** Role precedence when several claim values map: the strongest wins. */
const PRECEDENCE: readonly Role[] = ['admin', 'operator', 'viewer', 'project-member'];

/** Null when SSO is off (no OIDC_ISSUER); the problems (each naming its variable) when it is misconfigured. */
export function parseOidcSettings(env: OidcEnv): { settings: OidcSettings | null; problems: string[] } {
  const problems: string[] = [];
  if (!env.OIDC_ISSUER) {
    const stray = Object.entries(env).filter(([k, v]) => k.startsWith('OIDC_') && v);
    if (stray.length > 0)
      problems.push(`OIDC_ISSUER: required when ${stray.map(([k]) => k).join(', ')} is set`);
    return { settings: null, problems };
  }
  const issuer = url('OIDC_ISSUER', env.OIDC_ISSUER, problems);
  if (!env.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID: required with OIDC_ISSUER');
  if (env.NODE_ENV === 'production' && !env.OIDC_REDIRECT_URL)
    problems.push(
      'OIDC_REDIRECT_URL: required with OIDC_ISSUER in production (the console URL + /api/auth/oidc/callback)',
    );
  const redirectUrl = url(
    'OIDC_REDIRECT_URL',
    env.OIDC_REDIRECT_URL ?? `http://localhost:${env.WEB_PORT}/api/auth/oidc/callback`,
    problems,
  );

  const roleMap: OidcSettings['roleMap'] = [];
  for (const pair of list(env.OIDC_ROLE_MAP)) {
    const at = pair.lastIndexOf('=');
    const role = roleSchema.safeParse(pair.slice(at + 1).trim());
    if (at <= 0 || !role.success)
      problems.push(`OIDC_ROLE_MAP: '${pair}' is not claimValue=role (roles: ${PRECEDENCE.join(', ')})`);
    else roleMap.push({ value: pair.slice(0, at).trim(), role: role.data });
  }
  if (roleMap.length > 0 && !env.OIDC_ROLE_CLAIM)
    problems.push('OIDC_ROLE_CLAIM: required with OIDC_ROLE_MAP (e.g. groups or roles)');

  let defaultRole: Role | null = 'viewer';
  if (env.OIDC_DEFAULT_ROLE === 'none') defaultRole = null;
  else if (env.OIDC_DEFAULT_ROLE) {
    const parsed = roleSchema.safeParse(env.OIDC_DEFAULT_ROLE);
    if (parsed.success) defaultRole = parsed.data;
    else problems.push(`OIDC_DEFAULT_ROLE: '${env.OIDC_DEFAULT_ROLE}' is not none or a role`);
  }
  if (defaultRole === 'admin')
    problems.push(
      'OIDC_DEFAULT_ROLE: admin would make everyone the provider knows an admin; map a claim instead',
    );

  const domains = list(env.OIDC_ALLOWED_DOMAINS).map((d) => d.toLowerCase().replace(/^@/, ''));
  if (problems.length > 0) return { settings: null, problems };
  return {
    settings: {
      issuer: issuer!,
      clientId: env.OIDC_CLIENT_ID!,
      clientSecret: env.OIDC_CLIENT_SECRET,
      redirectUrl: redirectUrl!,
      scopes: env.OIDC_SCOPES ?? 'openid email profile',
      allowedDomains: domains,
      roleClaim: env.OIDC_ROLE_CLAIM,
      roleMap,
      defaultRole,
      label: env.OIDC_LABEL ?? 'Sign in with single sign-on',
    },
    problems,
  };
}

/** The role the claim grants (the strongest mapped value), or null when none is mapped. */
export function mappedRole(settings: OidcSettings, claims: Record<string, unknown>): Role | null {
  if (!settings.roleClaim) return null;
  const raw = claims[settings.roleClaim];
  const values = new Set(
    (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string'),
  );
  const granted = settings.roleMap.filter((m) => values.has(m.value)).map((m) => m.role);
  return PRECEDENCE.find((role) => granted.includes(role)) ?? null;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function url(name: string, value: string, problems: string[]): string | undefined {
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:')
      return parsed.toString().replace(/\/$/, '');
  } catch {
    // reported below
  }
  problems.push(`${name}: '${value}' is not an http(s) URL`);
  return undefined;
}
