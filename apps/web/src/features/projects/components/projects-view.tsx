'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { useState } from 'react';
import { Badge, Button, Card, EmptyState, PageHeader, Skeleton } from '@/components/ui';
import { formatDate, formatInteger, formatUsd } from '@/components/ui/format';
import { KeyIcon } from '@/components/ui/icons';
import { FigureTd, Table, Td, Th } from '@/components/ui/table';
import { QueryErrorState } from '@/components/ui/query-error-state';
import { useCan } from '@/features/auth/use-caller';
import { projectListQueryOptions } from '../queries';
import { ProjectFormDialog } from './project-form-dialog';
import styles from './projects.module.css';

const SKELETON_ROWS = 4;

/** The projects list: name, tags, key count and spend, paged on the server. */
export function ProjectsView() {
  const query = useInfiniteQuery(projectListQueryOptions());
  const [formOpen, setFormOpen] = useState(false);
  const writable = useCan('projects:write');
  const [formKey, setFormKey] = useState(0);
  const openForm = () => {
    setFormKey((key) => key + 1);
    setFormOpen(true);
  };

  const projects = query.data?.pages.flatMap((page) => page.data) ?? [];

  return (
    <>
      <PageHeader
        title="Projects & keys"
        description="Who may call the gateway, with which keys, budgets and limits."
        actions={
          writable ? (
            <Button variant="primary" icon={<PlusIcon />} onClick={openForm}>
              New project
            </Button>
          ) : null
        }
      />

      {query.isError && !query.data ? (
        <QueryErrorState title="Could not load projects" query={query} />
      ) : query.isPending ? (
        <Card padding="none" className={styles.tableCard} aria-busy="true">
          <span className="visually-hidden" role="status">
            Loading projects
          </span>
          <ProjectsTable inert>
            {Array.from({ length: SKELETON_ROWS }, (_, row) => (
              <tr key={row}>
                <Td>
                  <Skeleton width={160} height={14} />
                  <Skeleton width={220} height={12} className={styles.skeletonLine} />
                </Td>
                <Td>
                  <Skeleton width={80} height={18} radius="full" />
                </Td>
                <Td align="end">
                  <Skeleton width={24} height={14} className={styles.skeletonEnd} />
                </Td>
                <Td align="end">
                  <Skeleton width={56} height={14} className={styles.skeletonEnd} />
                </Td>
                <Td>
                  <Skeleton width={90} height={14} />
                </Td>
              </tr>
            ))}
          </ProjectsTable>
        </Card>
      ) : projects.length === 0 ? (
        <EmptyState
          icon={<KeyIcon size={22} />}
          title="No projects yet"
          description={
            writable
              ? 'Projects own virtual keys, budgets and rate limits. Create one, then issue a key to hand to an app such as Dify. A key’s secret is shown once; the gateway keeps only its hash.'
              : 'No project is visible to your account yet. Ask an administrator to add you to one.'
          }
          actions={
            writable ? (
              <Button variant="primary" onClick={openForm}>
                Create your first project
              </Button>
            ) : undefined
          }
        />
      ) : (
        <Card padding="none" className={styles.tableCard}>
          <ProjectsTable>
            {projects.map((project) => (
              <tr key={project.id}>
                <Th scope="row" nowrap={false}>
                  <Link href={`/projects/${project.id}` as Route} className={styles.projectLink}>
                    {project.name}
                  </Link>
                  {project.description ? (
                    <p className={styles.projectDescription}>{project.description}</p>
                  ) : null}
                </Th>
                <Td data-label="Tags" stack="full">
                  {project.tags.length > 0 ? (
                    <span className={styles.tags}>
                      {project.tags.map((tag) => (
                        <Badge key={tag}>{tag}</Badge>
                      ))}
                    </span>
                  ) : (
                    <span className={styles.muted}>—</span>
                  )}
                </Td>
                <FigureTd label="Active keys">{formatInteger(project.keyCount)}</FigureTd>
                <FigureTd label="Spend (USD)">{formatUsd(project.spendUsd)}</FigureTd>
                <Td nowrap muted data-label="Created">
                  {formatDate(project.createdAt)}
                </Td>
              </tr>
            ))}
          </ProjectsTable>
          {query.hasNextPage ? (
            <div className={styles.loadMore}>
              <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
                Load more projects
              </Button>
            </div>
          ) : null}
        </Card>
      )}

      {writable ? (
        <ProjectFormDialog key={formKey} open={formOpen} onClose={() => setFormOpen(false)} />
      ) : null}
    </>
  );
}

/** `inert` for the skeleton: same size as the real table, but not yet something to read or tab into. */
function ProjectsTable({ children, inert }: { children: React.ReactNode; inert?: boolean }) {
  const table = (
    <Table caption="Projects" captionHidden stackBelow={640} stackColumns={3}>
      <thead>
        <tr>
          <Th>Project</Th>
          <Th>Tags</Th>
          <Th align="end">Active keys</Th>
          <Th align="end">Spend (USD)</Th>
          <Th>Created</Th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </Table>
  );
  return inert ? <div inert>{table}</div> : table;
}

export function PlusIcon() {
  return (
    <svg
      width={16}
      height={16}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      aria-hidden="true"
    >
      <path d="M12 5v14M5 12h14" strokeLinecap="round" />
    </svg>
  );
}
