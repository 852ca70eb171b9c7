import styles from './progress-bar.module.css';

interface ProgressBarProps {
  /** Names the bar for assistive tech, e.g. "Budget used". */
  label: string;
  value: number;
  max: number;
  /** Read out instead of the bare numbers, e.g. "$4.20 of $10.00". */
  valueText?: string;
}

/** A horizontal meter that turns amber at 80 % and red at 100 %. */
export function ProgressBar({ label, value, max, valueText }: ProgressBarProps) {
  const ratio = max > 0 ? value / max : 0;
  const tone = ratio >= 1 ? styles.danger : ratio >= 0.8 ? styles.warn : styles.ok;
  return (
    <div
      className={styles.track}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={Math.min(value, max)}
      aria-valuetext={valueText}
    >
      <div
        className={`${styles.fill} ${tone}`}
        style={{ width: `${Math.min(100, Math.max(0, ratio * 100))}%` }}
      />
    </div>
  );
}
