import { z } from 'zod';

// Local until libs/contracts exports the auth schemas; then import them from @switchboard/contracts.
export const loginRequestSchema = z.object({ masterKey: z.string().min(1) });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const loginResponseSchema = z.object({ expiresAt: z.iso.datetime({ offset: true }) });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const sessionSchema = z.object({
  authenticated: z.literal(true),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type Session = z.infer<typeof sessionSchema>;
