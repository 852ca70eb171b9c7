import { isoDate, type masterKeyLoginSchema, type passwordLoginSchema } from '@switchboard/contracts';
import { z } from 'zod';

export {
  authOptionsSchema,
  authSessionSchema,
  type AuthOptions,
  type Caller,
  type Permission,
  type Role,
} from '@switchboard/contracts';

/** `POST /api/auth/login`: an account's email and password, or the master key (break-glass). */
export type LoginRequest = z.input<typeof passwordLoginSchema> | z.input<typeof masterKeyLoginSchema>;

/** What `POST /api/auth/login` and `POST /api/auth/setup` answer (the session cookie comes with it). */
export const loginResponseSchema = z.object({ expiresAt: isoDate });
export type LoginResponse = z.infer<typeof loginResponseSchema>;
