import styles from './brand-mark.module.css';

/** The Switchboard mark: three patch lines, each switched to a different port. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 28 28"
      aria-hidden="true"
      focusable="false"
      className={styles.mark}
    >
      <rect width="28" height="28" rx="7" className={styles.tile} />
      <g className={styles.lines} strokeWidth="2" strokeLinecap="round">
        <path d="M7 8.5h14M7 14h14M7 19.5h14" opacity="0.45" />
      </g>
      <g className={styles.knobs}>
        <circle cx="17.5" cy="8.5" r="2.6" />
        <circle cx="10.5" cy="14" r="2.6" />
        <circle cx="15" cy="19.5" r="2.6" />
      </g>
    </svg>
  );
}

export function Wordmark() {
  return (
    <span className={styles.wordmark}>
      <BrandMark />
      <span className={styles.name}>Switchboard</span>
    </span>
  );
}
