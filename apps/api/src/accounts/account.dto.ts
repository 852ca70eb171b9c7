import { type Account, roleSchema, accountStatusSchema } from '@switchboard/contracts';
import type { Account as AccountRow } from '../generated/prisma/client';

/** The API's view of an account: never the password hash. */
export function toAccountDto(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: roleSchema.parse(row.role),
    projectIds: row.projectIds,
    status: accountStatusSchema.parse(row.status),
    hasPassword: row.passwordHash !== null,
    ssoSubject: row.ssoSubject,
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
