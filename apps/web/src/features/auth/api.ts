import { apiRequest, isUnauthorized } from '@/lib/api-client';
import {
  loginResponseSchema,
  sessionSchema,
  type LoginRequest,
  type LoginResponse,
  type Session,
} from './schemas';

export function login(body: LoginRequest): Promise<LoginResponse> {
  return apiRequest('/api/auth/login', { method: 'POST', body, schema: loginResponseSchema });
}

export function logout(): Promise<void> {
  return apiRequest('/api/auth/logout', { method: 'POST' });
}

/** The current session, or `null` when the API says there is none (401). */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    return await apiRequest('/api/auth/session', { schema: sessionSchema, signal });
  } catch (error) {
    if (isUnauthorized(error)) return null;
    throw error;
  }
}
