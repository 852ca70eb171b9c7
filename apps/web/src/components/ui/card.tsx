import type { HTMLAttributes, ReactNode } from 'react';
import styles from './card.module.css';

interface CardProps extends HTMLAttributes<HTMLElement> {
  padding?: 'none' | 'md' | 'lg';
  as?: 'section' | 'div' | 'article';
}

export function Card({ padding = 'md', as: Tag = 'section', className, ...rest }: CardProps) {
  return <Tag {...rest} className={[styles.card, styles[padding], className].filter(Boolean).join(' ')} />;
}

export function CardHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className={styles.header}>
      <div>
        <h2 className={styles.title}>{title}</h2>
        {description ? <p className={styles.description}>{description}</p> : null}
      </div>
      {actions ? <div className={styles.actions}>{actions}</div> : null}
    </header>
  );
}
