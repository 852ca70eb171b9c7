'use client';

import { useQuery } from '@tanstack/react-query';
import { Skeleton } from '@/components/ui';
import { projectOptionsQueryOptions } from '@/features/projects/queries';
import styles from './accounts.module.css';

interface ProjectPickerProps {
  value: string[];
  onChange: (projectIds: string[]) => void;
  disabled?: boolean;
  error?: string;
}

/** The projects a project member may see and manage keys of (checkboxes: keyboard-friendly). */
export function ProjectPicker({ value, onChange, disabled, error }: ProjectPickerProps) {
  const projects = useQuery(projectOptionsQueryOptions());
  const errorId = 'account-projects-error';

  return (
    <fieldset className={styles.fieldset} aria-describedby={error ? errorId : undefined}>
      <legend className={styles.legend}>Projects</legend>
      {projects.isPending ? (
        <div className={styles.projectGrid}>
          <Skeleton width={120} height={20} />
          <Skeleton width={120} height={20} />
        </div>
      ) : projects.isError ? (
        <p className={styles.fieldError}>Could not load projects: {projects.error.message}</p>
      ) : projects.data.length === 0 ? (
        <p className={styles.hint}>
          No projects exist yet. Create one under Projects &amp; keys, then add it here.
        </p>
      ) : (
        <>
          <div className={styles.projectGrid} role="group" aria-label="Projects">
            {projects.data.map((project) => (
              <label key={project.id} className={styles.checkRow} title={project.name}>
                <input
                  type="checkbox"
                  checked={value.includes(project.id)}
                  disabled={disabled}
                  onChange={(event) =>
                    onChange(
                      event.target.checked ? [...value, project.id] : value.filter((id) => id !== project.id),
                    )
                  }
                />
                <span>{project.name}</span>
              </label>
            ))}
          </div>
          <p className={styles.hint}>
            {value.length === 0
              ? 'None chosen: the account sees no project until you add one.'
              : `${value.length} ${value.length === 1 ? 'project' : 'projects'} chosen.`}
          </p>
        </>
      )}
      {error ? (
        <p id={errorId} className={styles.fieldError}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
