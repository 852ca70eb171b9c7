import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClassName, Card } from '@/components/ui';
import { Wordmark } from '@/components/shell/brand-mark';
import styles from './not-found.module.css';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <main className={styles.screen}>
      <Card padding="lg" className={styles.card}>
        <Wordmark />
        <h1 className={styles.title}>Page not found</h1>
        <p className={styles.text}>
          This address is not part of the console. It may have moved, or the link is wrong.
        </p>
        <Link href="/" className={buttonClassName({ variant: 'primary' })}>
          Go to Overview
        </Link>
      </Card>
    </main>
  );
}
