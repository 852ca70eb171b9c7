import { Card } from '@/components/ui';
import { Wordmark } from '@/components/shell/brand-mark';
import { LoginForm } from './login-form';
import styles from './login-screen.module.css';

export function LoginScreen() {
  return (
    <main className={styles.screen}>
      <div className={styles.column}>
        <div className={styles.brand}>
          <Wordmark />
        </div>
        <Card padding="lg" className={styles.card}>
          <header className={styles.header}>
            <h1 className={styles.title}>Sign in to the console</h1>
            <p className={styles.subtitle}>
              Manage deployments, model groups, keys and usage for this gateway.
            </p>
          </header>
          <LoginForm />
        </Card>
        <p className={styles.note}>
          The key is only sent to start a session. The browser keeps an http-only session cookie, never the
          key.
        </p>
      </div>
    </main>
  );
}
