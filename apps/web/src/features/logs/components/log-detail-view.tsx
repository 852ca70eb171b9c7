'use client';

import type { RequestLogDetail } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import type { Route } from 'next';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import type { ReactNode } from 'react';
import { buttonClassName, Card, CardHeader, EmptyState, PageHeader, Skeleton } from '@/components/ui';
import { formatDateTime, formatInteger, formatMs } from '@/components/ui/format';
import { LogsIcon } from '@/components/ui/icons';
import { Table, Td, Th } from '@/components/ui/table';
import { QueryErrorState } from '@/components/ui/query-error-state';
import { keyOptionsQueryOptions } from '@/features/keys/queries';
import { projectOptionsQueryOptions } from '@/features/projects/queries';
import { isApiError } from '@/lib/api-client';
import { logDetailQueryOptions } from '../queries';
import { PriceUsed } from './price-used';
import { RequestBodiesCard } from './request-bodies-card';
import { StatusBadge } from './status-badge';
import styles from './logs.module.css';

/** One request: what was asked, how it went, and every attempt the router made. */
export function LogDetailView({ id }: { id: string }) {
  const searchParams = useSearchParams();
  const log = useQuery(logDetailQueryOptions(id));
  const search = searchParams.toString();

  const back = (
    <Link href={`/logs${search ? `?${search}` : ''}` as Route} className={styles.backLink}>
      <span aria-hidden="true">←</span> Back to logs
    </Link>
  );

  if (log.isError) {
    const missing = isApiError(log.error) && log.error.status === 404;
    return (
      <>
        {back}
        {missing ? (
          <EmptyState
            icon={<LogsIcon size={22} />}
            title="Request not found"
            description="Logs older than the retention period are deleted, or the link is wrong."
            actions={
              <Link href="/logs" className={buttonClassName({ variant: 'primary' })}>
                All logs
              </Link>
            }
          />
        ) : (
          <QueryErrorState title="Could not load this request" query={log} />
        )}
      </>
    );
  }

  return (
    <>
      {back}
      <PageHeader
        title="Request"
        description={log.data ? <code>{log.data.requestId}</code> : <Skeleton width={260} height={16} />}
      />
      {log.data ? <LogDetail log={log.data} /> : <LogDetailSkeleton />}
    </>
  );
}

function LogDetail({ log }: { log: RequestLogDetail }) {
  const projects = useQuery(projectOptionsQueryOptions());
  const keys = useQuery(keyOptionsQueryOptions());
  const project = log.projectId ? projects.data?.find((p) => p.id === log.projectId) : undefined;
  const key = log.keyId ? keys.data?.find((k) => k.id === log.keyId) : undefined;
  const firstStart = log.attempts[0]?.startedAt ?? 0;

  const facts: [string, ReactNode][] = [
    [
      'Time',
      <time key="t" dateTime={log.createdAt}>
        {formatDateTime(log.createdAt)}
      </time>,
    ],
    [
      'Status',
      <span key="s" className={styles.statusCell}>
        <StatusBadge status={log.status} />
        {log.errorType ? <span className={styles.errorKind}>{log.errorType}</span> : null}
      </span>,
    ],
    ['Route', <code key="r">{log.route}</code>],
    ['Streamed', log.stream ? 'Yes' : 'No'],
    [
      'Project',
      log.projectId ? (
        <Link key="p" href={`/projects/${log.projectId}` as Route}>
          {project?.name ?? log.projectId}
        </Link>
      ) : (
        '—'
      ),
    ],
    ['Key', log.keyId ? (key ? `${key.alias ?? 'Unnamed key'} (${key.prefix})` : log.keyId) : '—'],
    ['Model group', <code key="m">{log.modelGroup}</code>],
    ['Deployment', log.deploymentName ?? '—'],
    ['Latency', formatMs(log.latencyMs)],
    ['Time to first token', formatMs(log.ttftMs)],
    [
      'Tokens',
      `${formatInteger(log.totalTokens)} tokens (${formatInteger(log.promptTokens)} in${log.cachedTokens > 0 ? `, ${formatInteger(log.cachedTokens)} of them cached` : ''}, ${formatInteger(log.completionTokens)} out)`,
    ],
    ['Cost', <PriceUsed key="c" log={log} />],
    ['Attempts', formatInteger(log.attemptCount)],
    ['End user', log.endUser ?? '—'],
  ];

  return (
    <div className={styles.detail}>
      {log.errorType || log.errorMessage ? (
        <div className={styles.errorBox} role="note">
          <p className={styles.errorTitle}>{log.errorType ?? 'Error'}</p>
          {log.errorMessage ? <p>{log.errorMessage}</p> : null}
        </div>
      ) : null}

      <Card>
        <CardHeader title="Summary" />
        <dl className={styles.facts}>
          {facts.map(([label, value]) => (
            <div key={label} className={styles.fact}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </Card>

      <Card padding="none" className={styles.tableCard}>
        <Table caption="Attempts" dense>
          <thead>
            <tr>
              <Th align="end">#</Th>
              <Th>Deployment</Th>
              <Th>Model group</Th>
              <Th>Status</Th>
              <Th>Error kind</Th>
              <Th align="end">Latency</Th>
              <Th align="end">Started</Th>
            </tr>
          </thead>
          <tbody>
            {log.attempts.length === 0 ? (
              <tr>
                <Td colSpan={7} muted>
                  No upstream was called: no deployment of the group was available.
                </Td>
              </tr>
            ) : (
              log.attempts.map((attempt, index) => (
                <tr key={`${attempt.deploymentId}-${attempt.startedAt}-${index}`}>
                  <Td align="end">{index + 1}</Td>
                  <Td nowrap>{attempt.deploymentName}</Td>
                  <Td nowrap>
                    <code className={styles.code}>{attempt.modelGroup}</code>
                  </Td>
                  <Td nowrap>
                    <StatusBadge status={attempt.status} />
                  </Td>
                  <Td nowrap>{attempt.errorKind ?? <span className={styles.muted}>—</span>}</Td>
                  <Td align="end" nowrap>
                    {formatMs(attempt.latencyMs)}
                  </Td>
                  <Td align="end" nowrap muted>
                    +{formatMs(Math.max(0, attempt.startedAt - firstStart))}
                  </Td>
                </tr>
              ))
            )}
          </tbody>
        </Table>
      </Card>

      <RequestBodiesCard log={log} />
    </div>
  );
}

function LogDetailSkeleton() {
  return (
    <div className={styles.detail} aria-busy="true" role="status" aria-label="Loading request">
      <Card>
        <Skeleton width={100} height={18} />
        <div className={styles.facts} style={{ marginTop: 16 }}>
          {Array.from({ length: 14 }, (_, i) => (
            <div key={i}>
              <Skeleton width={70} height={10} />
              <Skeleton width={130} height={16} className={styles.skeletonGap} />
            </div>
          ))}
        </div>
      </Card>
      <Card padding="none">
        <Skeleton height={160} radius="lg" />
      </Card>
    </div>
  );
}
