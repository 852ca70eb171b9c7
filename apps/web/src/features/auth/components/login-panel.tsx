'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { buttonClassName, Skeleton } from '@/components/ui';
import { InlineAlert } from '@/components/ui/inline-alert';
import { safeNextPath } from '@/lib/auth-redirect';
import { authOptionsQueryOptions, sessionQueryOptions } from '../queries';
import { FirstAdminForm } from './first-admin-form';
import { MasterKeyForm } from './login-form';
import { loginErrorMessage, loginNoticeMessage } from './login-errors';
import { PasswordLoginForm } from './password-login-form';
import { nextPathFromLocation } from './use-signed-in';
import styles from './login-screen.module.css';

type Mode = 'password' | 'master-key';

interface LoginPanelProps {
  /** `?next=`: where to go after signing in. */
  next?: string;
  /** `?error=`: why single sign-on sent the operator back here. */
  error?: string;
  /** `?notice=`: e.g. `password-set`. */
  notice?: string;
}

/**
 * Picks the right way in: the first admin while no account exists, otherwise email and password,
 * single sign-on when configured, and the master key as break-glass.
 */
export function LoginPanel({ next, error, notice }: LoginPanelProps) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>('password');
  const options = useQuery(authOptionsQueryOptions());

  // A bookmarked /login with a live session goes straight to the console.
  const session = useQuery({ ...sessionQueryOptions(), retry: false });
  useEffect(() => {
    if (session.data) router.replace(nextPathFromLocation());
  }, [session.data, router]);

  const errorMessage = loginErrorMessage(error);
  const noticeMessage = loginNoticeMessage(notice);
  const setup = options.data?.needsFirstAdmin === true && mode === 'password';
  const sso = options.data?.sso.enabled ? options.data.sso : null;
  const ssoHref = `/api/auth/oidc/login?returnTo=${encodeURIComponent(safeNextPath(next))}`;

  const toggle =
    mode === 'master-key' ? (
      <button type="button" className={styles.linkButton} onClick={() => setMode('password')}>
        {options.data?.needsFirstAdmin ? 'Create the first admin instead' : 'Sign in with email and password'}
      </button>
    ) : (
      <button type="button" className={styles.linkButton} onClick={() => setMode('master-key')}>
        Use the master key
      </button>
    );

  return (
    <>
      <header className={styles.header}>
        <h1 className={styles.title}>
          {setup
            ? 'Create the first admin'
            : mode === 'master-key'
              ? 'Sign in with the master key'
              : 'Sign in to the console'}
        </h1>
        <p className={styles.subtitle}>
          {setup
            ? 'No account exists yet. Create the admin account you will use day to day; the master key proves you may.'
            : mode === 'master-key'
              ? 'Break-glass access with the key this gateway was started with. It acts as an admin.'
              : 'Manage deployments, model groups, keys and usage for this gateway.'}
        </p>
      </header>

      <div className={styles.panel}>
        {noticeMessage ? <InlineAlert tone="success">{noticeMessage}</InlineAlert> : null}
        {errorMessage ? (
          <InlineAlert tone="danger" title="Single sign-on failed">
            {errorMessage}
          </InlineAlert>
        ) : null}

        {mode === 'master-key' ? (
          <MasterKeyForm />
        ) : options.isPending ? (
          <div className={styles.loading} aria-busy="true">
            <span className="visually-hidden" role="status">
              Loading sign-in options
            </span>
            <Skeleton width="30%" height={14} />
            <Skeleton width="100%" height={36} />
            <Skeleton width="30%" height={14} />
            <Skeleton width="100%" height={36} />
            <Skeleton width="100%" height={36} />
          </div>
        ) : setup ? (
          <FirstAdminForm onAlreadySetUp={() => void options.refetch()} />
        ) : (
          <>
            <PasswordLoginForm />
            {sso ? (
              <>
                <p className={styles.divider}>
                  <span>or</span>
                </p>
                {/* A full page navigation: the identity provider takes over from here. */}
                <a href={ssoHref} className={buttonClassName({ variant: 'secondary', fullWidth: true })}>
                  {ssoButtonLabel(sso.label)}
                </a>
              </>
            ) : null}
          </>
        )}

        <p className={styles.alternative}>{toggle}</p>
      </div>
    </>
  );
}

/** "Sign in with Okta" for a named provider; "Sign in with SSO" for the generic label. */
function ssoButtonLabel(label: string): string {
  const trimmed = label.trim();
  if (trimmed === '' || /^(single sign-on|sso)$/i.test(trimmed)) return 'Sign in with SSO';
  return `Sign in with ${trimmed}`;
}
