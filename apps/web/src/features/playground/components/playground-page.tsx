'use client';

import type { PlaygroundSummary, VirtualKey } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Button, Card, CardHeader, ErrorState, Field, Input, PageHeader } from '@/components/ui';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { Switch } from '@/components/ui/switch';
import { Textarea } from '@/components/ui/textarea';
import { modelGroupNamesQueryOptions } from '@/features/keys/queries';
import { PlaygroundError, sendPlaygroundChat } from '../api';
import { playgroundKeysQueryOptions } from '../queries';
import { RequestSummary } from './request-summary';
import styles from './playground.module.css';

const MASTER = 'master';
const DEFAULT_MAX_TOKENS = 256;

type Run =
  | { state: 'idle' }
  | { state: 'running'; text: string }
  | {
      state: 'done';
      text: string;
      summary: PlaygroundSummary | null;
      stopped: boolean;
      error: { status: number; code: string; message: string } | null;
    };

function keyLabel(key: VirtualKey): string {
  const name = key.alias ? `${key.alias} (${key.prefix}…)` : `${key.prefix}…`;
  return key.projectName ? `${name} · ${key.projectName}` : name;
}

/** Send one chat through the gateway as a chosen key and see how it was served. */
export function PlaygroundPage() {
  const id = useId();
  const keys = useQuery(playgroundKeysQueryOptions());
  const groups = useQuery(modelGroupNamesQueryOptions());
  const [keyFilter, setKeyFilter] = useState('');
  const [keyId, setKeyId] = useState<string>(MASTER);
  const [model, setModel] = useState('');
  const [system, setSystem] = useState('');
  const [message, setMessage] = useState('');
  const [stream, setStream] = useState(true);
  const [maxTokens, setMaxTokens] = useState(String(DEFAULT_MAX_TOKENS));
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const abortRef = useRef<AbortController | null>(null);

  // Leaving the page stops a running request.
  useEffect(() => () => abortRef.current?.abort(), []);

  const selectedKey = keys.data?.find((k) => k.id === keyId) ?? null;
  const filteredKeys = useMemo(() => {
    const needle = keyFilter.trim().toLowerCase();
    const all = keys.data ?? [];
    const shown = needle ? all.filter((k) => keyLabel(k).toLowerCase().includes(needle)) : all;
    // The chosen key stays listed while a filter hides it.
    return selectedKey && !shown.includes(selectedKey) ? [selectedKey, ...shown] : shown;
  }, [keys.data, keyFilter, selectedKey]);
  const allowedGroups = useMemo(() => {
    const names = groups.data ?? [];
    return selectedKey && selectedKey.models.length
      ? names.filter((n) => selectedKey.models.includes(n))
      : names;
  }, [groups.data, selectedKey]);

  // Keep the model group one the chosen key may use.
  useEffect(() => {
    if (allowedGroups.length && !allowedGroups.includes(model)) setModel(allowedGroups[0]!);
  }, [allowedGroups, model]);

  const maxTokensNumber = Number(maxTokens);
  const maxTokensError =
    maxTokens.trim() === '' ||
    (Number.isInteger(maxTokensNumber) && maxTokensNumber >= 1 && maxTokensNumber <= 32768)
      ? null
      : 'A whole number from 1 to 32768, or empty for the model’s default.';
  const running = run.state === 'running';
  const canSend = !running && model !== '' && message.trim() !== '' && maxTokensError === null;

  async function send() {
    if (!canSend) return;
    const abort = new AbortController();
    abortRef.current = abort;
    let text = '';
    setRun({ state: 'running', text });
    const messages = [
      ...(system.trim() ? [{ role: 'system' as const, content: system }] : []),
      { role: 'user' as const, content: message },
    ];
    try {
      const result = await sendPlaygroundChat(
        {
          keyId: keyId === MASTER ? null : keyId,
          model,
          messages,
          stream,
          ...(maxTokens.trim() ? { max_tokens: maxTokensNumber } : {}),
        },
        {
          onText: (delta) => {
            text += delta;
            setRun({ state: 'running', text });
          },
        },
        abort.signal,
      );
      const streamError = result.streamError;
      setRun({
        state: 'done',
        text,
        summary: result.summary,
        stopped: false,
        error: streamError ? { status: 200, ...streamError } : null,
      });
    } catch (error) {
      if (abort.signal.aborted) {
        setRun({ state: 'done', text, summary: null, stopped: true, error: null });
      } else if (error instanceof PlaygroundError) {
        setRun({
          state: 'done',
          text,
          summary: error.summary,
          stopped: false,
          error: { status: error.status, code: error.code, message: error.message },
        });
      } else {
        setRun({
          state: 'done',
          text,
          summary: null,
          stopped: false,
          error: { status: 0, code: 'stream_broken', message: 'The answer broke off before it ended.' },
        });
      }
    } finally {
      if (abortRef.current === abort) abortRef.current = null;
    }
  }

  function stop() {
    abortRef.current?.abort();
  }

  if (keys.isError || groups.isError) {
    return (
      <>
        <PageHeader title="Playground" />
        <ErrorState
          title="Could not load keys and model groups"
          message={(keys.error ?? groups.error)?.message}
          onRetry={() => {
            void keys.refetch();
            void groups.refetch();
          }}
        />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Playground"
        description="Send a chat through the gateway exactly as a key would: its model list, limits and spend apply, the request is routed, retried and logged (end user “playground:…”), and it costs what any request costs."
      />
      <div className={styles.layout}>
        <Card className={styles.form}>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void send();
            }}
            className={styles.fields}
            aria-label="Chat request"
          >
            <Field id={`${id}-key-filter`} label="Find a key" hint="By alias, prefix or project.">
              {(control) => (
                <Input
                  {...control}
                  type="search"
                  value={keyFilter}
                  placeholder="alias, sk-sb-…, project"
                  onChange={(e) => setKeyFilter(e.target.value)}
                />
              )}
            </Field>
            <Field
              id={`${id}-key`}
              label="Send as"
              hint={
                selectedKey
                  ? `Project ${selectedKey.projectName ?? selectedKey.projectId}; its limits and budget apply.`
                  : 'The master key: no key limits, no key spend.'
              }
            >
              {(control) => (
                <Select
                  {...control}
                  value={keyId}
                  onChange={(e) => setKeyId(e.target.value)}
                  disabled={keys.isPending}
                >
                  <option value={MASTER}>Master key — no key limits</option>
                  {filteredKeys.map((k) => (
                    <option key={k.id} value={k.id}>
                      {keyLabel(k)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field
              id={`${id}-model`}
              label="Model group"
              hint={
                groups.isSuccess && allowedGroups.length === 0
                  ? 'No model group this key may use. Add a deployment, or allow a group for the key.'
                  : undefined
              }
            >
              {(control) => (
                <Select
                  {...control}
                  value={model}
                  onChange={(e) => setModel(e.target.value)}
                  disabled={groups.isPending}
                >
                  {allowedGroups.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field id={`${id}-system`} label="System prompt" hint="Optional.">
              {(control) => (
                <Textarea {...control} rows={2} value={system} onChange={(e) => setSystem(e.target.value)} />
              )}
            </Field>
            <Field id={`${id}-message`} label="User message">
              {(control) => (
                <Textarea
                  {...control}
                  rows={4}
                  value={message}
                  onChange={(e) => setMessage(e.target.value)}
                  onKeyDown={(e) => {
                    // Ctrl/Cmd+Enter sends, as in most chat tools.
                    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                      e.preventDefault();
                      void send();
                    }
                  }}
                />
              )}
            </Field>
            <div className={styles.row}>
              <div className={styles.inline}>
                <Switch id={`${id}-stream`} checked={stream} onCheckedChange={setStream} disabled={running} />
                <label htmlFor={`${id}-stream`}>Stream</label>
              </div>
              <Field id={`${id}-max-tokens`} label="Max tokens" error={maxTokensError}>
                {(control) => (
                  <Input
                    {...control}
                    className={styles.maxTokens}
                    inputMode="numeric"
                    value={maxTokens}
                    onChange={(e) => setMaxTokens(e.target.value)}
                  />
                )}
              </Field>
            </div>
            <div className={styles.actions}>
              {running ? (
                <Button type="button" variant="danger" onClick={stop}>
                  Stop
                </Button>
              ) : null}
              <Button type="submit" variant="primary" disabled={!canSend} loading={running}>
                Send
              </Button>
            </div>
          </form>
        </Card>
        <div className={styles.output}>
          <Card>
            <CardHeader title="Answer" description={running ? 'Arriving…' : undefined} />
            {run.state === 'idle' ? (
              <p className={styles.placeholder}>The answer appears here as it arrives.</p>
            ) : (
              <div
                className={styles.answer}
                aria-live="polite"
                aria-busy={running}
                data-testid="playground-answer"
              >
                {run.text || (running ? '' : run.state === 'done' && run.error ? 'No answer.' : '(no text)')}
              </div>
            )}
          </Card>
          {run.state === 'done' && run.stopped ? (
            <InlineAlert tone="warn" title="Stopped">
              You stopped the answer; the gateway cancelled the upstream request. It is in Logs as a request
              the client left (status 499), billed for what was sent.
            </InlineAlert>
          ) : null}
          {run.state === 'done' && run.error ? (
            <InlineAlert
              tone="danger"
              title={`${run.error.status ? `${run.error.status} · ` : ''}${run.error.code}`}
            >
              {run.error.message}
            </InlineAlert>
          ) : null}
          {run.state === 'done' && run.summary ? <RequestSummary summary={run.summary} /> : null}
        </div>
      </div>
    </>
  );
}
