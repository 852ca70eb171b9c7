import { Card } from '@/components/ui';
import { Wordmark } from '@/components/shell/brand-mark';
import { LoginPanel } from './login-panel';
import styles from './login-screen.module.css';

interface LoginScreenProps {
  next?: string;
  error?: string;
  notice?: string;
}

export function LoginScreen({ next, error, notice }: LoginScreenProps) {
  return (
    <main className={styles.screen}>
      <div className={styles.column}>
        <div className={styles.brand}>
          <Wordmark />
        </div>
        <Card padding="lg" className={styles.card}>
          <LoginPanel next={next} error={error} notice={notice} />
        </Card>
        <p className={styles.note}>
          Credentials are only sent to start a session. The browser keeps an http-only session cookie, never
          your password or the key.
        </p>
      </div>
    </main>
  );
}
