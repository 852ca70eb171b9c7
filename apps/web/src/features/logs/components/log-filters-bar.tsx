'use client';

import { useQuery } from '@tanstack/react-query';
import { Button, Field, Input } from '@/components/ui';
import { Select } from '@/components/ui/select';
import { TIME_RANGE_SPECS, TIME_RANGES } from '@/components/ui/time-range';
import { keyOptionsQueryOptions, modelGroupNamesQueryOptions } from '@/features/keys/queries';
import { projectOptionsQueryOptions } from '@/features/projects/queries';
import { hasActiveFilters, type LogFilters } from '../filters';
import { deploymentOptionsQueryOptions } from '../queries';
import styles from './logs.module.css';

const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
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
  const projects = useQuery(projectOptionsQueryOptions());
  const keys = useQuery(keyOptionsQueryOptions());
  const groups = useQuery(modelGroupNamesQueryOptions());
  const deployments = useQuery(deploymentOptionsQueryOptions());

  const set = (patch: Partial<LogFilters>) => onChange({ ...filters, ...patch });
  const keysInProject = (keys.data ?? []).filter(
    (key) => !filters.projectId || key.projectId === filters.projectId,
  );
  const deploymentsInGroup = (deployments.data ?? []).filter(
    (deployment) => !filters.modelGroup || deployment.modelGroup === filters.modelGroup,
  );
  const statusKnown = STATUS_OPTIONS.some((option) => option.value === (filters.status ?? ''));

  return (
    <form className={styles.filters} aria-label="Log filters" onSubmit={(event) => event.preventDefault()}>
      <Field id="logs-range" label="Time range">
        {(control) => (
          <Select
            id={control.id}
            value={filters.range}
            onChange={(event) => set({ range: event.target.value as LogFilters['range'] })}
          >
            {TIME_RANGES.map((range) => (
              <option key={range} value={range}>
                {TIME_RANGE_SPECS[range].phrase.replace(/^./, (c) => c.toUpperCase())}
              </option>
            ))}
            <option value="all">Any time</option>
          </Select>
        )}
      </Field>

      <Field id="logs-project" label="Project">
        {(control) => (
          <Select
            id={control.id}
            value={filters.projectId ?? ''}
            // Keys belong to one project: a key from another project would match nothing.
            onChange={(event) => set({ projectId: event.target.value || undefined, keyId: undefined })}
          >
            <option value="">All projects</option>
            {filters.projectId && !projects.data?.some((p) => p.id === filters.projectId) ? (
              <option value={filters.projectId}>{projects.isPending ? 'Loading…' : 'Unknown project'}</option>
            ) : null}
            {(projects.data ?? []).map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <Field id="logs-key" label="Key">
        {(control) => (
          <Select
            id={control.id}
            value={filters.keyId ?? ''}
            onChange={(event) => set({ keyId: event.target.value || undefined })}
          >
            <option value="">All keys</option>
            {filters.keyId && !keys.data?.some((k) => k.id === filters.keyId) ? (
              <option value={filters.keyId}>{keys.isPending ? 'Loading…' : 'Unknown key'}</option>
            ) : null}
            {keysInProject.map((key) => (
              <option key={key.id} value={key.id}>
                {key.alias ?? key.prefix}
                {key.revokedAt ? ' (revoked)' : ''}
                {filters.projectId ? '' : ` · ${key.projectName ?? ''}`}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <Field id="logs-model-group" label="Model group">
        {(control) => (
          <Select
            id={control.id}
            value={filters.modelGroup ?? ''}
            onChange={(event) =>
              set({ modelGroup: event.target.value || undefined, deploymentId: undefined })
            }
          >
            <option value="">All model groups</option>
            {filters.modelGroup && !groups.data?.includes(filters.modelGroup) ? (
              <option value={filters.modelGroup}>{filters.modelGroup}</option>
            ) : null}
            {(groups.data ?? []).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <Field id="logs-deployment" label="Deployment">
        {(control) => (
          <Select
            id={control.id}
            value={filters.deploymentId ?? ''}
            onChange={(event) => set({ deploymentId: event.target.value || undefined })}
          >
            <option value="">All deployments</option>
            {filters.deploymentId && !deployments.data?.some((d) => d.id === filters.deploymentId) ? (
              <option value={filters.deploymentId}>
                {deployments.isPending ? 'Loading…' : 'Deleted deployment'}
              </option>
            ) : null}
            {deploymentsInGroup.map((deployment) => (
              <option key={deployment.id} value={deployment.id}>
                {deployment.name}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <Field id="logs-status" label="Status">
        {(control) => (
          <Select
            id={control.id}
            value={filters.status ?? ''}
            onChange={(event) => set({ status: event.target.value || undefined })}
          >
            {statusKnown ? null : <option value={filters.status}>{filters.status}</option>}
            {STATUS_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        )}
      </Field>

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
