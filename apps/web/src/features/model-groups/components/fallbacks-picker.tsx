'use client';

import { useId, type Ref } from 'react';
import { Select } from '@/components/ui/select';
import { CloseIcon } from '@/components/ui/icons';
import styles from './fallbacks-picker.module.css';

interface FallbacksPickerProps {
  /** The group being edited: it cannot fall back to itself. */
  self: string;
  value: string[];
  options: readonly string[];
  onChange: (next: string[]) => void;
  /** The "Add fallback" select, focused when the list is the first invalid field. */
  addRef?: Ref<HTMLSelectElement>;
  error?: string | null;
  disabled?: boolean;
  /** Shows the list only: no reordering, removing or adding. */
  readOnly?: boolean;
}

/**
 * An ordered multi-select: fallbacks are tried in this order once the group's own deployments
 * are exhausted, so the order is part of the choice.
 */
export function FallbacksPicker({
  self,
  value,
  options,
  onChange,
  addRef,
  error,
  disabled,
  readOnly = false,
}: FallbacksPickerProps) {
  const id = useId();
  const available = options.filter((name) => name !== self && !value.includes(name));
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;

  function move(index: number, by: -1 | 1) {
    const next = [...value];
    const [item] = next.splice(index, 1);
    if (item === undefined) return;
    next.splice(index + by, 0, item);
    onChange(next);
  }

  return (
    <fieldset
      className={styles.fieldset}
      disabled={disabled}
      aria-describedby={error ? `${hintId} ${errorId}` : hintId}
    >
      <legend className={styles.legend}>Fallbacks</legend>
      <p id={hintId} className={styles.hint}>
        Other model groups to try, in order, when every deployment here has failed or is unavailable.
      </p>
      {value.length > 0 ? (
        <ol className={styles.list}>
          {value.map((name, index) => (
            <li key={name} className={styles.item}>
              <span className={styles.order} aria-hidden="true">
                {index + 1}
              </span>
              <span className={styles.name}>{name}</span>
              {readOnly ? null : (
                <span className={styles.itemActions}>
                  <button
                    type="button"
                    className={styles.iconButton}
                    onClick={() => move(index, -1)}
                    disabled={index === 0}
                    aria-label={`Move ${name} up`}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className={styles.iconButton}
                    onClick={() => move(index, 1)}
                    disabled={index === value.length - 1}
                    aria-label={`Move ${name} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className={styles.iconButton}
                    onClick={() => onChange(value.filter((n) => n !== name))}
                    aria-label={`Remove fallback ${name}`}
                  >
                    <CloseIcon size={14} />
                  </button>
                </span>
              )}
            </li>
          ))}
        </ol>
      ) : (
        <p className={styles.none}>No fallbacks: a request fails when this group cannot serve it.</p>
      )}
      {readOnly ? null : (
        <div className={styles.add}>
          <label htmlFor={`${id}-add`} className="visually-hidden">
            Add fallback
          </label>
          <Select
            id={`${id}-add`}
            ref={addRef}
            compact
            value=""
            disabled={available.length === 0}
            invalid={Boolean(error)}
            onChange={(event) => {
              if (event.target.value) onChange([...value, event.target.value]);
            }}
          >
            <option value="">{available.length === 0 ? 'No other groups to add' : 'Add fallback…'}</option>
            {available.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        </div>
      )}
      {error ? (
        <p id={errorId} className={styles.error}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
