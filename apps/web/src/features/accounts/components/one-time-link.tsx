'use client';

import type { AccountInvite } from '@switchboard/contracts';
import { useMemo } from 'react';
import { formatDateTime } from '@/components/ui/format';
import { OneTimeSecret } from '@/components/ui/one-time-secret';

/** `/set-password?token=…` as a link to hand over (chat, mail), on this console's origin. */
export function absoluteLink(path: string): string {
  try {
    return new URL(path, window.location.origin).toString();
  } catch {
    return path;
  }
}

/** The one moment a set-password link is visible: warning, the link, a copy button, the expiry. */
export function OneTimeLink({ invite }: { invite: AccountInvite }) {
  const link = useMemo(() => absoluteLink(invite.setPasswordUrl), [invite.setPasswordUrl]);
  return (
    <OneTimeSecret
      title="Copy the link now: it is shown only once"
      warning={
        <>
          Send it to {invite.account.displayName} ({invite.account.email}) over a channel you trust. Anyone
          with the link can set this account’s password.
        </>
      }
      value={link}
      copyLabel="Copy set-password link"
      meta={
        <>
          Works once, until <time dateTime={invite.expiresAt}>{formatDateTime(invite.expiresAt)}</time>.
        </>
      }
    />
  );
}
