import { z } from 'zod';
import { isoDate, pageOf } from './common';

/**
 * Operator accounts, roles and admin API tokens: the one source of truth for the admin API and the console.
 *
 * Roles (enforced on every admin route by one route → permission table in the API):
 * - `admin`: everything, including accounts and settings;
 * - `operator`: deployments, model groups, projects, keys, import (not accounts);
 * - `project-member`: only the projects in `projectIds`: their usage and logs, issue and revoke their keys;
 * - `viewer`: read-only everywhere, no secrets.
 */
export const ROLES = ['admin', 'operator', 'project-member', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/**
 * What a caller may do; the console hides what the caller's permissions do not include (the API refuses
 * it anyway).
 */
export const PERMISSIONS = [
  'config:read', // deployments, model groups, prices, routing (no secrets)
  'config:write', // create/edit/delete deployments and model groups, prices, reset cooldowns
  'projects:read',
  'projects:write',
  'keys:read',
  'keys:write', // issue, edit, rotate, revoke virtual keys
  'usage:read', // statistics and request logs
  'audit:read',
  'import:write', // LiteLLM import
  'accounts:read',
  'accounts:write', // create, change role, disable, reset password
  'settings:write',
] as const;
export const permissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof permissionSchema>;

export const ACCOUNT_STATUSES = ['active', 'disabled'] as const;
export const accountStatusSchema = z.enum(ACCOUNT_STATUSES);

const email = z.string().trim().toLowerCase().email('must be an email address').max(254);
const displayName = z.string().trim().min(1, 'is required').max(128);
/** Long passphrases welcome; 12 characters at least. */
export const passwordSchema = z.string().min(12, 'must be at least 12 characters').max(1024);

export const accountSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  displayName: z.string(),
  role: roleSchema,
  /** Only for `project-member`: the projects the account may see and manage keys of. */
  projectIds: z.array(z.string().uuid()),
  status: accountStatusSchema,
  /** `password`, `sso` (OpenID Connect), or both once an SSO login matched a password account. */
  hasPassword: z.boolean(),
  ssoSubject: z.string().nullable(),
  lastLoginAt: isoDate.nullable(),
  createdAt: isoDate,
  updatedAt: isoDate,
});
export type Account = z.infer<typeof accountSchema>;
export const accountPageSchema = pageOf(accountSchema);

export const createAccountSchema = z
  .object({
    email,
    displayName,
    role: roleSchema,
    projectIds: z.array(z.string().uuid()).max(500).default([]),
  })
  .strict();
export type CreateAccountInput = z.infer<typeof createAccountSchema>;

/** A created (or password-reset) account: the one-time link to set a password, shown once. */
export const accountInviteSchema = z.object({
  account: accountSchema,
  /** Console path with a one-time token, e.g. `/set-password?token=…`; valid until `expiresAt`. */
  setPasswordUrl: z.string(),
  expiresAt: isoDate,
});
export type AccountInvite = z.infer<typeof accountInviteSchema>;

export const updateAccountSchema = z
  .object({
    displayName,
    role: roleSchema,
    projectIds: z.array(z.string().uuid()).max(500),
    status: accountStatusSchema,
  })
  .partial()
  .strict();
export type UpdateAccountInput = z.infer<typeof updateAccountSchema>;

/** `POST /api/auth/set-password` (public, with the one-time token from an invite or reset). */
export const setPasswordSchema = z.object({ token: z.string().min(1), password: passwordSchema }).strict();

/** `POST /api/auth/login`: an account's email and password, or the master key (break-glass). */
export const passwordLoginSchema = z.object({ email, password: z.string().min(1).max(1024) }).strict();
export const masterKeyLoginSchema = z.object({ masterKey: z.string().min(1, 'is required') }).strict();
export const anyLoginSchema = z.union([passwordLoginSchema, masterKeyLoginSchema]);

/** `POST /api/auth/setup`: the first admin account, only while no account exists (needs the master key). */
export const firstAdminSchema = z
  .object({ email, displayName, password: passwordSchema, masterKey: z.string().min(1) })
  .strict();

/** `POST /api/me/password` */
export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema })
  .strict();

/** Who is calling, as `GET /api/auth/session` and `GET /api/me` answer it. */
export const callerSchema = z.object({
  authenticated: z.literal(true),
  /** `account` (password or SSO session), `api-token` (personal token), `master-key`. */
  kind: z.enum(['account', 'api-token', 'master-key']),
  account: accountSchema.nullable(),
  role: roleSchema,
  permissions: z.array(permissionSchema),
  /** For `project-member`: the projects in scope; null = all projects. */
  projectIds: z.array(z.string().uuid()).nullable(),
  expiresAt: isoDate.nullable(),
});
export type Caller = z.infer<typeof callerSchema>;

/** `GET /api/auth/session` with nobody signed in: an answer (200), not an error. */
export const signedOutSchema = z.object({ authenticated: z.literal(false) });
/** What `GET /api/auth/session` answers: the caller, or that nobody is signed in. */
export const authSessionSchema = z.discriminatedUnion('authenticated', [callerSchema, signedOutSchema]);
export type AuthSession = z.infer<typeof authSessionSchema>;

/** What the login page needs to know before anyone signs in (public). */
export const authOptionsSchema = z.object({
  /** No account exists yet: offer to create the first admin (with the master key). */
  needsFirstAdmin: z.boolean(),
  sso: z.object({ enabled: z.boolean(), label: z.string() }),
});
export type AuthOptions = z.infer<typeof authOptionsSchema>;

/** Personal admin API tokens (`sb-admin-…`): stored hashed, act with the account's role. */
export const apiTokenSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  /** First characters, e.g. `sb-admin-AbCd…`, to recognise it. */
  hint: z.string(),
  expiresAt: isoDate.nullable(),
  lastUsedAt: isoDate.nullable(),
  createdAt: isoDate,
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
export const createApiTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    /** Days until it expires (1..365); null = never (not recommended). */
    expiresInDays: z.number().int().min(1).max(365).nullable().default(90),
  })
  .strict();
/** The token itself is shown once, at creation. */
export const createdApiTokenSchema = z.object({ token: z.string(), apiToken: apiTokenSchema });
