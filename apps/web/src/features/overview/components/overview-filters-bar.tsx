'use client';

import { Button } from '@/components/ui';
import { ScopeFilterSelects } from '@/features/scope-filters/scope-filter-selects';
import { hasStatsFilter, type OverviewFilters } from '../filters';
import styles from './overview.module.css';

interface OverviewFiltersBarProps {
  filters: OverviewFilters;
  onChange: (filters: OverviewFilters) => void;
}

/** Project, key and model group: each narrows every card of the Overview. */
export function OverviewFiltersBar({ filters, onChange }: OverviewFiltersBarProps) {
  const set = (patch: Partial<OverviewFilters>) => onChange({ ...filters, ...patch });

  return (
    <form
      className={styles.filters}
      aria-label="Overview filters"
      onSubmit={(event) => event.preventDefault()}
    >
      <ScopeFilterSelects idPrefix="overview" filters={filters} onChange={set} />

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
