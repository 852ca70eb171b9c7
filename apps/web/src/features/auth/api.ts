import type { firstAdminSchema, setPasswordSchema } from '@switchboard/contracts';
import type { z } from 'zod';
import { apiRequest } from '@/lib/api-client';
import {
  authOptionsSchema,
  loginResponseSchema,
  authSessionSchema,
  type AuthOptions,
  type Caller,
  type LoginRequest,
  type LoginResponse,
} from './schemas';

export function login(body: LoginRequest): Promise<LoginResponse> {
  return apiRequest('/api/auth/login', { method: 'POST', body, schema: loginResponseSchema });
}

/** Creates the first admin account (only while none exists) and signs it in. */
export function setupFirstAdmin(body: z.input<typeof firstAdminSchema>): Promise<LoginResponse> {
  return apiRequest('/api/auth/setup', { method: 'POST', body, schema: loginResponseSchema });
}

/** Sets a password with the one-time token from an invite or reset link. */
export function setPassword(body: z.input<typeof setPasswordSchema>): Promise<void> {
  return apiRequest('/api/auth/set-password', { method: 'POST', body });
}

export function logout(): Promise<void> {
  return apiRequest('/api/auth/logout', { method: 'POST' });
}

/** What the login page offers: single sign-on, or creating the first admin. Public. */
export function fetchAuthOptions(signal?: AbortSignal): Promise<AuthOptions> {
  return apiRequest('/api/auth/options', { schema: authOptionsSchema, signal });
}

/**
 * Who is signed in, or `null` when nobody is. The API answers the probe with 200 either way
 * (`{ authenticated: false }` when signed out), so the login page logs no failed request.
 */
export async function fetchSession(signal?: AbortSignal): Promise<Caller | null> {
  const session = await apiRequest('/api/auth/session', { schema: authSessionSchema, signal });
  return session.authenticated ? session : null;
}
