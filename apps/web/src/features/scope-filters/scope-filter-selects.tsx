'use client';

import type { StatsFilter } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import { FilterSelect } from '@/components/ui/filter-select';
import { keyOptionsQueryOptions, modelGroupNamesQueryOptions } from '@/features/keys/queries';
import { projectOptionsQueryOptions } from '@/features/projects/queries';

interface ScopeFilterSelectsProps {
  /** Prefix of the selects' ids (`logs` gives `logs-project`, `logs-key`, `logs-model-group`). */
  idPrefix: string;
  filters: StatsFilter;
  /** Only what changed; a new project also clears the key (a key of another project matches nothing). */
  onChange: (patch: Partial<StatsFilter>) => void;
}

/** Project, key and model group: the selects the Overview and the Logs filter by alike. */
export function ScopeFilterSelects({ idPrefix, filters, onChange }: ScopeFilterSelectsProps) {
  const projects = useQuery(projectOptionsQueryOptions());
  const keys = useQuery(keyOptionsQueryOptions());
  const groups = useQuery(modelGroupNamesQueryOptions());

  const keysInProject = (keys.data ?? []).filter(
    (key) => !filters.projectId || key.projectId === filters.projectId,
  );

  return (
    <>
      <FilterSelect
        id={`${idPrefix}-project`}
        label="Project"
        value={filters.projectId}
        onChange={(projectId) => onChange({ projectId, keyId: undefined })}
        anyLabel="All projects"
        options={(projects.data ?? []).map((project) => ({ value: project.id, label: project.name }))}
        unknownLabel={projects.isPending ? 'Loading…' : 'Unknown project'}
      />
      <FilterSelect
        id={`${idPrefix}-key`}
        label="Key"
        value={filters.keyId}
        onChange={(keyId) => onChange({ keyId })}
        anyLabel="All keys"
        options={keysInProject.map((key) => ({
          value: key.id,
          label: [
            key.alias ?? key.prefix,
            key.revokedAt ? ' (revoked)' : '',
            filters.projectId ? '' : ` · ${key.projectName ?? ''}`,
          ].join(''),
        }))}
        unknownLabel={keys.isPending ? 'Loading…' : 'Unknown key'}
      />
      <FilterSelect
        id={`${idPrefix}-model-group`}
        label="Model group"
        value={filters.modelGroup}
        onChange={(modelGroup) => onChange({ modelGroup })}
        anyLabel="All model groups"
        options={(groups.data ?? []).map((name) => ({ value: name, label: name }))}
      />
    </>
  );
}
