'use client';

import { useQuery } from '@tanstack/react-query';
import { Button, Field } from '@/components/ui';
import { Select } from '@/components/ui/select';
import { keyOptionsQueryOptions, modelGroupNamesQueryOptions } from '@/features/keys/queries';
import { projectOptionsQueryOptions } from '@/features/projects/queries';
import { hasStatsFilter, type OverviewFilters } from '../filters';
import styles from './overview.module.css';

interface OverviewFiltersBarProps {
  filters: OverviewFilters;
  onChange: (filters: OverviewFilters) => void;
}

/** Project, key and model group: each narrows every card of the Overview. */
export function OverviewFiltersBar({ filters, onChange }: OverviewFiltersBarProps) {
  const projects = useQuery(projectOptionsQueryOptions());
  const keys = useQuery(keyOptionsQueryOptions());
  const groups = useQuery(modelGroupNamesQueryOptions());

  const set = (patch: Partial<OverviewFilters>) => onChange({ ...filters, ...patch });
  const keysInProject = (keys.data ?? []).filter(
    (key) => !filters.projectId || key.projectId === filters.projectId,
  );

  return (
    <form
      className={styles.filters}
      aria-label="Overview filters"
      onSubmit={(event) => event.preventDefault()}
    >
      <Field id="overview-project" label="Project">
        {(control) => (
          <Select
            id={control.id}
            value={filters.projectId ?? ''}
            // Keys belong to one project: a key of another project would match nothing.
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

      <Field id="overview-key" label="Key">
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

      <Field id="overview-model-group" label="Model group">
        {(control) => (
          <Select
            id={control.id}
            value={filters.modelGroup ?? ''}
            onChange={(event) => set({ modelGroup: event.target.value || undefined })}
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

      <div className={styles.filterActions}>
        <Button
          variant="ghost"
          disabled={!hasStatsFilter(filters)}
          onClick={() => set({ projectId: undefined, keyId: undefined, modelGroup: undefined })}
        >
          Clear filters
        </Button>
      </div>
    </form>
  );
}
