'use client';

import { useId, useRef, type KeyboardEvent } from 'react';
import styles from './segmented-control.module.css';

export interface SegmentOption<T extends string> {
  value: T;
  label: string;
  /** Longer name for screen readers, e.g. "Last 15 minutes" for "15 min". */
  ariaLabel?: string;
}

interface SegmentedControlProps<T extends string> {
  /** Names the group, e.g. "Time range". */
  label: string;
  options: readonly SegmentOption<T>[];
  value: T;
  onChange: (value: T) => void;
}

/** A radio group drawn as joined buttons (e.g. a time-range picker). Arrow keys move the choice. */
export function SegmentedControl<T extends string>({
  label,
  options,
  value,
  onChange,
}: SegmentedControlProps<T>) {
  const name = useId();
  const refs = useRef<(HTMLInputElement | null)[]>([]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // Native radios already move with arrows; Home/End are a small extra.
    if (event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    const index = event.key === 'Home' ? 0 : options.length - 1;
    const option = options[index];
    if (!option) return;
    onChange(option.value);
    refs.current[index]?.focus();
  }

  return (
    <div role="radiogroup" aria-label={label} className={styles.group} onKeyDown={onKeyDown}>
      {options.map((option, index) => (
        <label key={option.value} className={styles.option}>
          <input
            ref={(el) => {
              refs.current[index] = el;
            }}
            type="radio"
            name={name}
            value={option.value}
            checked={option.value === value}
            onChange={() => onChange(option.value)}
            aria-label={option.ariaLabel}
            className={styles.input}
          />
          <span className={styles.text}>{option.label}</span>
        </label>
      ))}
    </div>
  );
}
