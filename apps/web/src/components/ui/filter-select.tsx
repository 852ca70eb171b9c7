import { Field } from './field';
import { Select } from './select';

export interface FilterOption {
  value: string;
  label: string;
}

interface FilterSelectProps {
  id: string;
  label: string;
  /** `undefined`: no filter (the `anyLabel` option). */
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  /** The first option, which filters nothing ("All projects"). */
  anyLabel?: string;
  options: readonly FilterOption[];
  /**
   * What to call a chosen value that is not among the options (still loading, since deleted), so the
   * select shows it instead of silently showing another; the value itself without it.
   */
  unknownLabel?: string;
}

/** One labelled select of a filter bar. */
export function FilterSelect({
  id,
  label,
  value,
  onChange,
  anyLabel,
  options,
  unknownLabel,
}: FilterSelectProps) {
  const unknown = value !== undefined && !options.some((option) => option.value === value);
  return (
    <Field id={id} label={label}>
      {(control) => (
        <Select
          id={control.id}
          value={value ?? ''}
          onChange={(event) => onChange(event.target.value || undefined)}
        >
          {anyLabel !== undefined ? <option value="">{anyLabel}</option> : null}
          {unknown ? <option value={value}>{unknownLabel ?? value}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}
