import { Skeleton } from './skeleton';
import styles from './page-skeleton.module.css';

/** Stands in for a page (header + one panel) while the session or first data loads. */
export function PageSkeleton({ label = 'Loading page' }: { label?: string }) {
  return (
    <div className={styles.pageSkeleton} role="status" aria-label={label}>
      <div className={styles.header}>
        <Skeleton width={220} height={28} />
        <Skeleton width="min(480px, 100%)" height={16} />
      </div>
      <div className={styles.panel}>
        <Skeleton width="40%" height={16} />
        <Skeleton height={12} />
        <Skeleton height={12} />
        <Skeleton width="70%" height={12} />
      </div>
    </div>
  );
}
