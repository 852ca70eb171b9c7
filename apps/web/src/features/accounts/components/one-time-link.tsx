'use client';

import type { AccountInvite } from '@switchboard/contracts';
import { useMemo } from 'react';
import { CopyButton } from '@/components/ui/copy-button';
import { formatDateTime } from '@/components/ui/format';
import { InlineAlert } from '@/components/ui/inline-alert';
import styles from './accounts.module.css';

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
    <div className={styles.secret}>
      <InlineAlert tone="warn" title="Copy the link now: it is shown only once">
        Send it to {invite.account.displayName} ({invite.account.email}) over a channel you trust. Anyone with
        the link can set this account’s password.
      </InlineAlert>
      <div className={styles.secretRow}>
        <code className={styles.secretValue}>{link}</code>
        <CopyButton value={link} label="Copy set-password link" />
      </div>
      <p className={styles.secretMeta}>
        Works once, until <time dateTime={invite.expiresAt}>{formatDateTime(invite.expiresAt)}</time>.
      </p>
    </div>
  );
}
