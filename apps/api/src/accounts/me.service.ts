import { Injectable } from '@nestjs/common';
import type { Caller } from '@switchboard/contracts';
import { type AdminCaller, callerPermissions } from '../auth/caller';
import { AdminError } from '../common/errors';
import { toAccountDto } from './account.dto';
import { AccountRepository } from './account.repository';
import { accountOf } from './api-token.service';

/** The signed-in account's own profile. */
@Injectable()
export class MeService {
  constructor(private readonly accounts: AccountRepository) {}

  async me(caller: AdminCaller): Promise<Caller> {
    const account = await this.accounts.findById(accountOf(caller));
    if (!account) throw new AdminError(401, 'unauthorized', 'This account no longer exists.');
    return {
      authenticated: true,
      kind: caller.kind,
      account: toAccountDto(account),
      role: caller.role,
      permissions: [...callerPermissions(caller)],
      projectIds: caller.projectIds ? [...caller.projectIds] : null,
      expiresAt: null,
    };
  }
}
