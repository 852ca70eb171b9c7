'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { type ReactNode, useId, useMemo } from 'react';
import { Button, Skeleton } from '@/components/ui';
import { CopyButton } from '@/components/ui/copy-button';
import { formatMs } from '@/components/ui/format';
import { InlineAlert } from '@/components/ui/inline-alert';
import {
  type DifyEndpoint,
  difyEndpoints,
  gatewayBaseUrl,
  isLoopbackUrl,
  openAiEndpointUrl,
} from '../gateway-url';
import { modelGroupNamesQueryOptions } from '../queries';
import styles from './keys.module.css';
import card from './connect-dify-card.module.css';

interface ConnectDifyCardProps {
  /** The plaintext key, shown once. */
  secret: string;
  /** The key's allowed model groups; empty means all. */
  models: string[];
  /**
   * The gateway's base URL as the server knows it (SWITCHBOARD_PUBLIC_URL, or the address `npm start`
   * passed), or null.
   */
  publicUrl: string | null;
}

/**
 * Exactly what to type into Dify's "OpenAI-API-compatible" provider, each value with its own
 * copy button: the API key, the endpoint URL (with /v1, which Dify never adds) for wherever Dify runs,
 * and model names; plus a check that sends the request Dify sends when the provider is saved.
 */
export function ConnectDifyCard({ secret, models, publicUrl }: ConnectDifyCardProps) {
  const headingId = useId();
  const allGroups = useQuery({ ...modelGroupNamesQueryOptions(), enabled: models.length === 0 });
  const endpoints = useMemo(
    () => difyEndpoints(openAiEndpointUrl(gatewayBaseUrl(publicUrl)), window.location.hostname),
    [publicUrl],
  );
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
            <CopyButton value={secret} label="Copy API key" autoFocus />
          </dd>
        </div>
        <div className={styles.difyRow}>
          <dt>
            API endpoint URL
            <span className={styles.difyNote}> (the one for where Dify runs)</span>
          </dt>
          <dd>
            <ul className={card.endpointList}>
              {endpoints.map((endpoint) => (
                <li key={endpoint.url}>
                  <p className={card.endpointWhen}>{endpointWhen(endpoint)}</p>
                  <div className={card.endpointValue}>
                    <code className={styles.difyValue}>{endpoint.url}</code>
                    <CopyButton value={endpoint.url} label={`Copy API endpoint URL ${endpoint.url}`} />
                  </div>
                </li>
              ))}
            </ul>
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
      <DifyCheck secret={secret} model={modelNames[0] ?? null} />
    </section>
  );
}

/** When to use an endpoint URL, in terms of where Dify runs. */
function endpointWhen({ kind, url }: DifyEndpoint): ReactNode {
  switch (kind) {
    case 'compose':
      return (
        <>
          Dify in Docker, with Switchboard’s <code>docker/compose.yml</code> joined to Dify’s{' '}
          <code>docker_default</code> network.
        </>
      );
    case 'docker-host':
      return (
        <>
          Dify in Docker, Switchboard running on the Docker host (for example with <code>npm start</code>). On
          Linux, Dify’s containers need{' '}
          <code>extra_hosts: [&quot;host.docker.internal:host-gateway&quot;]</code>.
        </>
      );
    case 'direct':
      return isLoopbackUrl(url) ? (
        <>
          Dify running on this machine outside Docker (inside a container, <code>localhost</code> is the
          container itself).
        </>
      ) : (
        <>
          Dify anywhere that reaches <code>{new URL(url).host}</code>, in Docker or not.
        </>
      );
  }
}

type CheckResult =
  | { ok: true; model: string; deployment: string | null; latencyMs: number }
  | { ok: false; model: string; status: number; message: string };

/**
 * Dify's credential check for an OpenAI-API-compatible model: a tiny chat completion with the key.
 * Sent to this console's own origin, which forwards `/v1/chat/completions` to the gateway (src/proxy.ts),
 * without the session cookie: the key alone must be enough, as it is for Dify.
 */
async function checkLikeDify(secret: string, model: string): Promise<CheckResult> {
  const started = performance.now();
  let res: Response;
  try {
    res = await fetch('/v1/chat/completions', {
      method: 'POST',
      credentials: 'omit',
      cache: 'no-store',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 5 }),
    });
  } catch {
    return { ok: false, model, status: 0, message: 'The console could not reach the gateway.' };
  }
  const body: unknown = await res.json().catch(() => null);
  const latencyMs = performance.now() - started;
  if (!res.ok) {
    return { ok: false, model, status: res.status, message: errorMessage(body) ?? res.statusText };
  }
  if (!isChatCompletion(body)) {
    return { ok: false, model, status: res.status, message: 'The answer was not a chat completion.' };
  }
  return { ok: true, model, deployment: res.headers.get('x-switchboard-deployment'), latencyMs };
}

/** The message of an OpenAI-shaped error body (`{ "error": { "message": … } }`). */
function errorMessage(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const { error } = body;
  if (typeof error === 'string') return error;
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return null;
}

function isChatCompletion(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'choices' in body && Array.isArray(body.choices);
}

function failureTitle(status: number): string {
  if (status === 0) return 'Check failed';
  if (status < 300) return 'Dify would reject the answer';
  return `Dify would get HTTP ${status}`;
}

function DifyCheck({ secret, model }: { secret: string; model: string | null }) {
  const check = useMutation({
    mutationFn: (target: string) => checkLikeDify(secret, target),
  });
  const result = check.data;

  return (
    <div className={card.check}>
      <div className={card.checkRow}>
        <Button
          size="sm"
          loading={check.isPending}
          disabled={!model}
          onClick={() => {
            if (model) check.mutate(model);
          }}
        >
          Check from here
        </Button>
        <p className={card.checkHint}>
          {model ? (
            <>
              Sends what Dify sends when you save the provider: a 5-token chat completion to{' '}
              <code>{model}</code> with this key, through this console. It shows whether the key and model
              work, not whether Dify can reach the URL you pick.
            </>
          ) : (
            'Needs a model group this key may use.'
          )}
        </p>
      </div>
      {result?.ok ? (
        <InlineAlert tone="success" title="OK: the gateway accepted the key">
          <code>{result.model}</code> answered
          {result.deployment ? (
            <>
              {' '}
              from deployment <code>{result.deployment}</code>
            </>
          ) : null}{' '}
          in {formatMs(result.latencyMs)}.
        </InlineAlert>
      ) : result ? (
        <InlineAlert tone="danger" title={failureTitle(result.status)}>
          {result.message}
        </InlineAlert>
      ) : null}
    </div>
  );
}
