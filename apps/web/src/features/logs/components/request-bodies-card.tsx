'use client';

import type { RequestLogDetail } from '@switchboard/contracts';
import type { Route } from 'next';
import Link from 'next/link';
import { Card, CardHeader } from '@/components/ui';
import { CopyButton } from '@/components/ui/copy-button';
import styles from './request-bodies.module.css';

/** JSON pretty-printed when it parses; anything else (a stream's events, a cut body) as it is. */
export function prettyBody(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function kib(bytes: number): string {
  const k = bytes / 1024;
  return `${Number.isInteger(k) ? k : k.toFixed(1)} KB`;
}

/** The request and response bodies the project keeps (redacted, capped), or why there are none. */
export function RequestBodiesCard({ log }: { log: RequestLogDetail }) {
  const bodies = log.bodies;
  if (!bodies) {
    return (
      <Card aria-label="Request and response bodies">
        <CardHeader title="Request and response bodies" />
        <p className={styles.none}>
          {!log.projectId
            ? 'Bodies are only stored for requests made with a key of a project that keeps them.'
            : log.storesBodies
              ? 'No bodies were stored for this request (it was made before storage was turned on, or they are past the retention).'
              : 'Bodies are not stored for this project.'}{' '}
          {log.projectId ? <Link href={`/projects/${log.projectId}` as Route}>Project settings</Link> : null}
        </p>
      </Card>
    );
  }
  return (
    <Card aria-label="Request and response bodies">
      <CardHeader
        title="Request and response bodies"
        description="Redacted: credentials are replaced by [redacted] before storing."
      />
      {bodies.truncated ? (
        <p className={styles.note} role="note">
          Truncated at {log.bodyMaxBytes ? kib(log.bodyMaxBytes) : 'the size cap'}: a body longer than the
          project&apos;s cap is cut there.
        </p>
      ) : null}
      <BodyBlock label="Request" text={bodies.request} />
      <BodyBlock label={log.stream ? 'Response (server-sent events)' : 'Response'} text={bodies.response} />
    </Card>
  );
}

function BodyBlock({ label, text }: { label: string; text: string | null }) {
  if (text === null) {
    return (
      <div className={styles.block}>
        <p className={styles.label}>{label}</p>
        <p className={styles.none}>Not stored.</p>
      </div>
    );
  }
  const pretty = prettyBody(text);
  return (
    <details className={styles.block} open>
      <summary className={styles.summary}>
        <span className={styles.label}>{label}</span>
        <span className={styles.size}>{kib(new TextEncoder().encode(text).length)}</span>
      </summary>
      <div className={styles.toolbar}>
        <CopyButton value={pretty} label={`Copy ${label.toLowerCase()} body`} />
      </div>
      <pre className={styles.pre} tabIndex={0} role="region" aria-label={`${label} body`}>
        {pretty}
      </pre>
    </details>
  );
}
