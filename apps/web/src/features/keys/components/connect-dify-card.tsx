'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import { Skeleton } from '@/components/ui';
import { CopyButton } from '@/components/ui/copy-button';
import { InlineAlert } from '@/components/ui/inline-alert';
import { gatewayBaseUrl, isLoopbackUrl, openAiEndpointUrl } from '../gateway-url';
import { modelGroupNamesQueryOptions } from '../queries';
import styles from './keys.module.css';

interface ConnectDifyCardProps {
  /** The plaintext key, shown once. */
  secret: string;
  /** The key's allowed model groups; empty means all. */
  models: string[];
  /** SWITCHBOARD_PUBLIC_URL as read by the server, or null. */
  publicUrl: string | null;
}

/**
 * Exactly what to type into Dify's "OpenAI-API-compatible" provider, each value with its own
 * copy button: the API key, the endpoint URL (with /v1, which Dify never adds) and model names.
 */
export function ConnectDifyCard({ secret, models, publicUrl }: ConnectDifyCardProps) {
  const headingId = useId();
  const allGroups = useQuery({ ...modelGroupNamesQueryOptions(), enabled: models.length === 0 });
  const endpoint = useMemo(() => openAiEndpointUrl(gatewayBaseUrl(publicUrl)), [publicUrl]);
  const modelNames = models.length > 0 ? models : (allGroups.data ?? []);

  return (
    <section className={styles.dify} aria-labelledby={headingId}>
      <header className={styles.difyHeader}>
        <h3 id={headingId} className={styles.difyTitle}>
          Connect Dify
        </h3>
        <p className={styles.difyIntro}>
          In Dify: <strong>Settings → Model Provider → OpenAI-API-compatible → Add Model</strong>, then fill
          in:
        </p>
      </header>

      <dl className={styles.difyFields}>
        <div className={styles.difyRow}>
          <dt>API Key</dt>
          <dd>
            <code className={styles.secretValue}>{secret}</code>
            <CopyButton value={secret} label="Copy API key" />
          </dd>
        </div>
        <div className={styles.difyRow}>
          <dt>API endpoint URL</dt>
          <dd>
            <code className={styles.difyValue}>{endpoint}</code>
            <CopyButton value={endpoint} label="Copy API endpoint URL" />
          </dd>
        </div>
        <div className={styles.difyRow}>
          <dt>
            Model name for API endpoint
            {models.length === 0 ? (
              <span className={styles.difyNote}> (any model group; add one model per name)</span>
            ) : null}
          </dt>
          <dd className={styles.difyModels}>
            {models.length === 0 && allGroups.isPending ? (
              <Skeleton width={160} height={30} />
            ) : modelNames.length === 0 ? (
              <span className={styles.muted}>
                No model groups yet. Create one under Model groups; its name is the model name.
              </span>
            ) : (
              <ul className={styles.modelList}>
                {modelNames.map((name) => (
                  <li key={name}>
                    <code className={styles.difyValue}>{name}</code>
                    <CopyButton value={name} label={`Copy model name ${name}`} />
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>

      <p className={styles.difyHint}>Model type: LLM; Completion mode: Chat.</p>
      {isLoopbackUrl(endpoint) ? (
        <InlineAlert tone="warn" title="Dify cannot reach “localhost”">
          Inside Dify’s containers <code>localhost</code> is Dify itself. Use an address Dify can reach (for
          example <code>http://host.docker.internal:4000/v1</code>), or start the console with{' '}
          <code>SWITCHBOARD_PUBLIC_URL</code> set.
        </InlineAlert>
      ) : null}
    </section>
  );
}
