import Link from 'next/link';
import { buttonClassName, Card } from '@/components/ui';
import { Wordmark } from '@/components/shell/brand-mark';
import { InlineAlert } from '@/components/ui/inline-alert';
import { SetPasswordForm } from './set-password-form';
import styles from './login-screen.module.css';

/** The page behind a one-time invite or reset link: `/set-password?token=…`. */
export function SetPasswordScreen({ token }: { token?: string }) {
  return (
    <main className={styles.screen}>
      <div className={styles.column}>
        <div className={styles.brand}>
          <Wordmark />
        </div>
        <Card padding="lg" className={styles.card}>
          <header className={styles.header}>
            <h1 className={styles.title}>Set your password</h1>
            <p className={styles.subtitle}>
              Choose the password for your Switchboard console account. The link works once.
            </p>
          </header>
          {token ? (
            <SetPasswordForm token={token} />
          ) : (
            <div className={styles.panel}>
              <InlineAlert tone="danger" title="This link is incomplete">
                It has no token. Copy the whole link you were given, or ask an administrator for a new one.
              </InlineAlert>
              <Link href="/login" className={buttonClassName({ variant: 'secondary', fullWidth: true })}>
                Go to sign in
              </Link>
            </div>
          )}
        </Card>
      </div>
    </main>
  );
}
