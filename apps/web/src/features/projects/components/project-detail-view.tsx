'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Badge, Button, buttonClassName, Card, EmptyState, PageHeader, Skeleton } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formatDate, formatInteger, formatUsd } from '@/components/ui/format';
import { KeyIcon } from '@/components/ui/icons';
import { toast } from '@/components/ui/toast';
import { QueryErrorState } from '@/components/ui/query-error-state';
import { useCan } from '@/features/auth/use-caller';
import { KeyFormDialog } from '@/features/keys/components/key-form-dialog';
import { ProjectKeys } from '@/features/keys/components/project-keys';
import { isApiError } from '@/lib/api-client';
import { deleteProjectMutationOptions, projectDetailQueryOptions } from '../queries';
import { ProjectFormDialog } from './project-form-dialog';
import { PlusIcon } from './projects-view';
import styles from './projects.module.css';

/** One project: its numbers, its keys, and the actions on both. */
export function ProjectDetailView({ projectId, publicUrl }: { projectId: string; publicUrl: string | null }) {
  const router = useRouter();
  const project = useQuery(projectDetailQueryOptions(projectId));
  const remove = useMutation(deleteProjectMutationOptions());
  const canEditProject = useCan('projects:write');
  const canWriteKeys = useCan('keys:write');
  const [dialog, setDialog] = useState<'key' | 'edit' | 'delete' | null>(null);
  // A fresh form every time a dialog opens.
  const [dialogKey, setDialogKey] = useState(0);
  const open = (which: 'key' | 'edit' | 'delete') => {
    setDialogKey((key) => key + 1);
    setDialog(which);
  };
  const close = () => setDialog(null);

  const back = (
    <Link href="/projects" className={styles.backLink}>
      <span aria-hidden="true">←</span> All projects
    </Link>
  );

  if (project.isError) {
    const missing = isApiError(project.error) && project.error.status === 404;
    return (
      <>
        {back}
        {missing ? (
          <EmptyState
            icon={<KeyIcon size={22} />}
            title="Project not found"
            description="It may have been deleted, or the link is wrong."
            actions={
              <Link href="/projects" className={buttonClassName({ variant: 'primary' })}>
                Back to projects
              </Link>
            }
          />
        ) : (
          <QueryErrorState title="Could not load this project" query={project} />
        )}
      </>
    );
  }

  const data = project.data;

  return (
    <>
      {back}
      <PageHeader
        title={data ? data.name : <Skeleton width={220} height={28} />}
        description={data ? (data.description ?? 'No description.') : <Skeleton width={320} height={16} />}
        actions={
          canWriteKeys || canEditProject ? (
            <>
              {canWriteKeys ? (
                <Button variant="primary" icon={<PlusIcon />} onClick={() => open('key')} disabled={!data}>
                  Issue key
                </Button>
              ) : null}
              {canEditProject ? (
                <>
                  <Button onClick={() => open('edit')} disabled={!data}>
                    Edit project
                  </Button>
                  <Button variant="ghost" onClick={() => open('delete')} disabled={!data}>
                    Delete project
                  </Button>
                </>
              ) : null}
            </>
          ) : null
        }
      />

      <dl className={styles.summary}>
        <Card className={styles.summaryItem} as="div">
          <dt>Total spend</dt>
          <dd>
            {data ? (
              <>
                {formatUsd(data.spendUsd)} <span className={styles.summaryUnit}>USD</span>
              </>
            ) : (
              <Skeleton width={90} height={24} />
            )}
          </dd>
        </Card>
        <Card className={styles.summaryItem} as="div">
          <dt>Active keys</dt>
          <dd>
            {data ? (
              <>
                {formatInteger(data.keyCount)}{' '}
                <span className={styles.summaryUnit}>{data.keyCount === 1 ? 'key' : 'keys'}</span>
              </>
            ) : (
              <Skeleton width={40} height={24} />
            )}
          </dd>
        </Card>
        <Card className={styles.summaryItem} as="div">
          <dt>Tags</dt>
          <dd>
            {!data ? (
              <Skeleton width={100} height={22} />
            ) : data.tags.length === 0 ? (
              <span className={styles.summaryUnit}>None</span>
            ) : (
              <span className={styles.tags}>
                {data.tags.map((tag) => (
                  <Badge key={tag}>{tag}</Badge>
                ))}
              </span>
            )}
          </dd>
        </Card>
        <Card className={styles.summaryItem} as="div">
          <dt>Request bodies</dt>
          <dd>
            {!data ? (
              <Skeleton width={100} height={22} />
            ) : data.storeBodies ? (
              <>
                Stored{' '}
                <span className={styles.summaryUnit}>
                  up to {formatInteger(data.bodyMaxBytes / 1024)} KB, {data.bodyRetentionDays}{' '}
                  {data.bodyRetentionDays === 1 ? 'day' : 'days'}
                </span>
              </>
            ) : (
              <span className={styles.summaryUnit}>Not stored</span>
            )}
          </dd>
        </Card>
        <Card className={styles.summaryItem} as="div">
          <dt>Created</dt>
          <dd>{data ? formatDate(data.createdAt) : <Skeleton width={110} height={24} />}</dd>
        </Card>
      </dl>

      <ProjectKeys projectId={projectId} publicUrl={publicUrl} onIssueKey={() => open('key')} />

      {data ? (
        <>
          {canWriteKeys ? (
            <KeyFormDialog
              key={`key-${dialogKey}`}
              open={dialog === 'key'}
              onClose={close}
              projectId={data.id}
              projectName={data.name}
              publicUrl={publicUrl}
            />
          ) : null}
          {canEditProject ? (
            <ProjectFormDialog
              key={`edit-${dialogKey}`}
              open={dialog === 'edit'}
              onClose={close}
              project={data}
            />
          ) : null}
          <ConfirmDialog
            open={dialog === 'delete'}
            onCancel={() => {
              close();
              remove.reset();
            }}
            title={`Delete “${data.name}”?`}
            description={
              data.keyCount > 0
                ? `This project still has ${data.keyCount} active ${data.keyCount === 1 ? 'key' : 'keys'}. Revoke ${data.keyCount === 1 ? 'it' : 'them'} first; the gateway refuses to delete a project whose keys still work.`
                : 'The project and its revoked keys are deleted. Its request logs and usage stay.'
            }
            confirmLabel="Delete project"
            pending={remove.isPending}
            error={remove.error?.message}
            onConfirm={() =>
              remove.mutate(data.id, {
                onSuccess: () => {
                  toast.success('Project deleted', `“${data.name}” is gone.`);
                  router.push('/projects');
                },
              })
            }
          />
        </>
      ) : null}
    </>
  );
}
