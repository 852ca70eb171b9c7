'use client';

import { useQuery } from '@tanstack/react-query';
import { Button, Field, Input } from '@/components/ui';
import { FilterSelect, type FilterOption } from '@/components/ui/filter-select';
import { isTimeRange, TIME_RANGE_SPECS, TIME_RANGES } from '@/components/ui/time-range';
import { ScopeFilterSelects } from '@/features/scope-filters/scope-filter-selects';
import { DEFAULT_LOG_RANGE, hasActiveFilters, type LogFilters } from '../filters';
import { deploymentOptionsQueryOptions } from '../queries';
import styles from './logs.module.css';

const RANGE_OPTIONS: FilterOption[] = [
  ...TIME_RANGES.map((range) => ({
    value: range,
    label: TIME_RANGE_SPECS[range].phrase.replace(/^./, (c) => c.toUpperCase()),
  })),
  { value: 'all', label: 'Any time' },
];

const STATUS_OPTIONS: FilterOption[] = [
  { value: 'success', label: 'Success (2xx)' },
  { value: 'error', label: 'Error (any)' },
  { value: '400', label: '400 Bad request' },
  { value: '401', label: '401 Unauthorized' },
  { value: '403', label: '403 Forbidden' },
  { value: '404', label: '404 Not found' },
  { value: '408', label: '408 Timeout' },
  { value: '429', label: '429 Rate limited' },
  { value: '500', label: '500 Server error' },
  { value: '502', label: '502 Bad gateway' },
  { value: '503', label: '503 Unavailable' },
  { value: '504', label: '504 Gateway timeout' },
];

/**
 * A text filter applied on Enter or when the field loses focus (not per keystroke: each change is a new
 * query). `key` on the value resets what was typed when the filters change elsewhere (Reset).
 */
function SearchField(props: {
  id: string;
  label: string;
  placeholder: string;
  value: string | undefined;
  onCommit: (value: string | undefined) => void;
}) {
  const commit = (raw: string) => {
    const value = raw.trim() || undefined;
    if (value !== props.value) props.onCommit(value);
  };
  return (
    <Field id={props.id} label={props.label}>
      {(control) => (
        <Input
          key={props.value ?? ''}
          id={control.id}
          type="search"
          maxLength={200}
          placeholder={props.placeholder}
          defaultValue={props.value ?? ''}
          onBlur={(event) => commit(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit(event.currentTarget.value);
          }}
        />
      )}
    </Field>
  );
}

interface LogFiltersBarProps {
  filters: LogFilters;
  onChange: (filters: LogFilters) => void;
  onReset: () => void;
}

/** Time range, project, key, model group, deployment and status: each a labelled select. */
export function LogFiltersBar({ filters, onChange, onReset }: LogFiltersBarProps) {
  const deployments = useQuery(deploymentOptionsQueryOptions());

  const set = (patch: Partial<LogFilters>) => onChange({ ...filters, ...patch });
  const deploymentsInGroup = (deployments.data ?? []).filter(
    (deployment) => !filters.modelGroup || deployment.modelGroup === filters.modelGroup,
  );

  return (
    <form className={styles.filters} aria-label="Log filters" onSubmit={(event) => event.preventDefault()}>
      <FilterSelect
        id="logs-range"
        label="Time range"
        value={filters.range}
        onChange={(range) =>
          set({ range: range === 'all' || isTimeRange(range) ? range : DEFAULT_LOG_RANGE })
        }
        options={RANGE_OPTIONS}
      />
      <ScopeFilterSelects
        idPrefix="logs"
        filters={filters}
        // Deployments belong to one model group: a deployment of another group would match nothing.
        onChange={(patch) => set('modelGroup' in patch ? { ...patch, deploymentId: undefined } : patch)}
      />
      <FilterSelect
        id="logs-deployment"
        label="Deployment"
        value={filters.deploymentId}
        onChange={(deploymentId) => set({ deploymentId })}
        anyLabel="All deployments"
        options={deploymentsInGroup.map((deployment) => ({ value: deployment.id, label: deployment.name }))}
        unknownLabel={deployments.isPending ? 'Loading…' : 'Deleted deployment'}
      />
      <FilterSelect
        id="logs-status"
        label="Status"
        value={filters.status}
        onChange={(status) => set({ status })}
        anyLabel="Any status"
        options={STATUS_OPTIONS}
      />

      <SearchField
        id="logs-request-id"
        label="Request id"
        placeholder="req_…"
        value={filters.requestId}
        onCommit={(requestId) => set({ requestId })}
      />
      <SearchField
        id="logs-error-text"
        label="Error text"
        placeholder="e.g. timeout"
        value={filters.q}
        onCommit={(q) => set({ q })}
      />

      <div className={styles.filterActions}>
        <Button variant="ghost" onClick={onReset} disabled={!hasActiveFilters(filters)}>
          Reset filters
        </Button>
      </div>
    </form>
  );
}
