import type { PlaygroundSummary } from '@switchboard/contracts';
import type { Route } from 'next';
import Link from 'next/link';
import { Badge, Card, CardHeader } from '@/components/ui';
import { formatMs, formatTokens, formatUsd } from '@/components/ui/format';
import styles from './playground.module.css';

/** How the request was served, from the figures its request-log row got. */
export function RequestSummary({ summary }: { summary: PlaygroundSummary }) {
  const logsHref = `/logs?requestId=${encodeURIComponent(summary.requestId)}` as Route;
  return (
    <Card aria-label="How it was served">
      <CardHeader
        title="How it was served"
        description={
          <>
            Request <code className={styles.code}>{summary.requestId}</code>
          </>
        }
        actions={
          <Link href={logsHref} className={styles.link}>
            Open in Logs
          </Link>
        }
      />
      <dl className={styles.stats}>
        <div>
          <dt>Deployment</dt>
          <dd data-testid="playground-deployment">
            {summary.deployment ?? <Badge tone="danger">none answered</Badge>}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <Badge tone={summary.status < 400 ? 'success' : 'danger'}>{summary.status}</Badge>
          </dd>
        </div>
        <div>
          <dt>Prompt</dt>
          <dd>{formatTokens(summary.promptTokens)}</dd>
        </div>
        <div>
          <dt>Completion</dt>
          <dd data-testid="playground-completion-tokens">{formatTokens(summary.completionTokens)}</dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>{formatTokens(summary.totalTokens)}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd data-testid="playground-cost">{formatUsd(summary.costUsd)}</dd>
        </div>
        <div>
          <dt>First token</dt>
          <dd>{formatMs(summary.ttftMs)}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{formatMs(summary.latencyMs)}</dd>
        </div>
      </dl>
      <h3 className={styles.subheading}>
        {summary.attempts.length === 1 ? '1 attempt' : `${summary.attempts.length} attempts`}
      </h3>
      {summary.attempts.length === 0 ? (
        <p className={styles.placeholder}>None: the request was refused before routing.</p>
      ) : (
        <ol className={styles.attempts} data-testid="playground-attempts">
          {summary.attempts.map((a, i) => (
            <li key={i} className={styles.attempt}>
              <span className={styles.attemptName}>
                {a.deployment}
                {a.modelGroup !== summary.modelGroup ? (
                  <span className={styles.muted}> (fallback {a.modelGroup})</span>
                ) : null}
              </span>
              <Badge tone={a.status < 400 ? 'success' : 'danger'}>{a.status}</Badge>
              {a.errorKind ? <span className={styles.muted}>{a.errorKind}</span> : null}
              <span className={styles.latency}>{formatMs(a.latencyMs)}</span>
            </li>
          ))}
        </ol>
      )}
      {summary.errorMessage ? <p className={styles.errorText}>{summary.errorMessage}</p> : null}
    </Card>
  );
}
