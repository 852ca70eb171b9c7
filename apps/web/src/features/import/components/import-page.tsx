'use client';

import { type ImportPlan, type ImportRequest, parseDotenv } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { Button, buttonClassName, Card, CardHeader, PageHeader } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Textarea } from '@/components/ui/textarea';
import { toast } from '@/components/ui/toast';
import { isApiError } from '@/lib/api-client';
import { applyImportMutationOptions, previewImportMutationOptions } from '../queries';
import { ImportPlanTable, PlanSummary, UnresolvedVariables } from './import-plan';
import styles from './import-page.module.css';

const PLACEHOLDER = `model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      api_key: os.environ/OPENAI_API_KEY
      rpm: 600
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 2`;

/** Larger than any sensible config; keeps a stray upload of a big file from freezing the tab. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

const ENV_PLACEHOLDER = `# Values for the file's os.environ/NAME references, e.g.
OPENAI_API_KEY=sk-...
export PJ1_KEY="sk-..."`;

type Preview = { request: ImportRequest; key: string; plan: ImportPlan };

/** The request as sent, and a key to tell whether the inputs changed since the preview. */
function buildRequest(yaml: string, env: Record<string, string>, names: Record<string, string>) {
  const renames = Object.fromEntries(
    Object.entries(names).filter(([from, to]) => to.trim() !== '' && to.trim() !== from),
  );
  const request: ImportRequest = { yaml, env, names: renames };
  return { request, key: JSON.stringify(request) };
}

/** Paste or upload a LiteLLM config.yaml, preview the dry-run plan, then apply it. */
export function ImportPage() {
  const queryClient = useQueryClient();
  const textId = useId();
  const envId = useId();
  const envHintId = useId();
  const fileId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [yaml, setYaml] = useState('');
  // Parsed here and sent as `env`; the API answers variable names only, never these values.
  const [envText, setEnvText] = useState('');
  const [names, setNames] = useState<Record<string, string>>({});
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [applied, setApplied] = useState<ImportPlan | null>(null);
  const [confirming, setConfirming] = useState(false);

  const previewMutation = useMutation(previewImportMutationOptions());
  const applyMutation = useMutation(applyImportMutationOptions(queryClient));

  const dotenv = useMemo(() => parseDotenv(envText), [envText]);
  const current = useMemo(() => buildRequest(yaml, dotenv.values, names), [yaml, dotenv, names]);
  const empty = yaml.trim() === '';
  const envInvalid = dotenv.invalid.length > 0;
  const stale = preview !== null && preview.key !== current.key;
  const plan = preview?.plan ?? null;
  const changeCount = plan ? plan.summary.create + plan.summary.update : 0;

  function edit(next: string) {
    setYaml(next);
    setApplied(null);
    if (previewMutation.isError) previewMutation.reset();
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = ''; // choosing the same file again still fires
    if (!file) return;
    setFileError(null);
    if (file.size > MAX_FILE_BYTES) {
      setFileError(
        `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a LiteLLM config should be far smaller.`,
      );
      return;
    }
    try {
      edit(await file.text());
      setFileName(file.name);
    } catch {
      setFileError(`Could not read ${file.name}.`);
    }
  }

  function runPreview() {
    if (empty || envInvalid) return;
    const sent = current;
    previewMutation.mutate(sent.request, {
      onSuccess: (result) => {
        setPreview({ ...sent, plan: result });
        setApplied(null);
      },
    });
  }

  function rename(proposed: string, name: string) {
    setNames((prev) => ({ ...prev, [proposed]: name }));
  }

  function runApply() {
    if (!preview) return;
    applyMutation.mutate(preview.request, {
      onSuccess: (result) => {
        setConfirming(false);
        setApplied(result);
        setPreview(null);
        setNames({});
        applyMutation.reset();
        toast.success(
          'Import applied',
          `${result.summary.create} created, ${result.summary.update} updated, ${result.summary.unchanged} unchanged. New requests use it now.`,
        );
      },
    });
  }

  return (
    <>
      <PageHeader
        title="Import from LiteLLM"
        description="Bring deployments, model groups and router settings over from a LiteLLM proxy config.yaml. Preview first: nothing changes until you apply."
        actions={
          // The API writes the live routing as a LiteLLM config (keys as os.environ/… placeholders).
          <a
            href="/api/export/litellm"
            download="litellm-config.yaml"
            className={buttonClassName({ variant: 'secondary' })}
          >
            Export current config
          </a>
        }
      />

      <div className={styles.layout}>
        <Card>
          <CardHeader
            title="LiteLLM config"
            description="Paste the file's contents or upload it. Nothing changes until you apply the previewed plan."
          />
          <div className={styles.inputs}>
            <div className={styles.upload}>
              <input
                ref={fileInput}
                id={fileId}
                type="file"
                accept=".yaml,.yml,application/yaml,text/yaml,text/x-yaml"
                className="visually-hidden"
                onChange={(event) => void onFile(event)}
              />
              <label htmlFor={fileId} className={buttonClassName({ variant: 'secondary', size: 'sm' })}>
                Upload config.yaml
              </label>
              <span className={styles.fileName} aria-live="polite">
                {fileName ? `Loaded ${fileName}` : 'or paste below'}
              </span>
            </div>
            {fileError ? <InlineAlert tone="danger">{fileError}</InlineAlert> : null}
            <div className={styles.field}>
              <label htmlFor={textId} className={styles.label}>
                LiteLLM config (YAML)
              </label>
              <Textarea
                id={textId}
                className={styles.textarea}
                rows={16}
                spellCheck={false}
                autoCapitalize="off"
                autoCorrect="off"
                placeholder={PLACEHOLDER}
                value={yaml}
                onChange={(event) => edit(event.target.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                    event.preventDefault();
                    runPreview();
                  }
                }}
              />
            </div>
            <div className={styles.field}>
              <label htmlFor={envId} className={styles.label}>
                Environment variables (.env)
              </label>
              <p id={envHintId} className={styles.hint}>
                Values for the config&apos;s <code>os.environ/NAME</code> references, one{' '}
                <code>NAME=value</code> a line. Only these are used: the gateway never reads its own
                environment for an import. Keys are stored encrypted and never shown again.
              </p>
              <Textarea
                id={envId}
                className={styles.envTextarea}
                rows={5}
                spellCheck={false}
                autoCapitalize="off"
                autoCorrect="off"
                autoComplete="off"
                aria-describedby={envHintId}
                aria-invalid={envInvalid || undefined}
                placeholder={ENV_PLACEHOLDER}
                value={envText}
                onChange={(event) => {
                  setEnvText(event.target.value);
                  setApplied(null);
                }}
              />
              {envInvalid ? (
                <InlineAlert tone="danger">
                  Line {dotenv.invalid.join(', ')} {dotenv.invalid.length === 1 ? 'is' : 'are'} not{' '}
                  <code>NAME=value</code>.
                </InlineAlert>
              ) : Object.keys(dotenv.values).length > 0 ? (
                <span className={styles.hint} aria-live="polite">
                  {Object.keys(dotenv.values).length} variable
                  {Object.keys(dotenv.values).length === 1 ? '' : 's'}:{' '}
                  {Object.keys(dotenv.values).join(', ')}
                </span>
              ) : null}
            </div>
            {previewMutation.isError ? (
              <InlineAlert tone="danger" title="The config could not be previewed">
                <ErrorDetails error={previewMutation.error} />
              </InlineAlert>
            ) : null}
            <div className={styles.actions}>
              <Button
                variant="primary"
                onClick={runPreview}
                disabled={empty || envInvalid}
                loading={previewMutation.isPending}
              >
                Preview
              </Button>
              <Button
                variant="ghost"
                disabled={empty && !preview && !applied}
                onClick={() => {
                  edit('');
                  setEnvText('');
                  setNames({});
                  setFileName(null);
                  setFileError(null);
                  setPreview(null);
                }}
              >
                Clear
              </Button>
              <span className={styles.shortcut}>Ctrl + Enter previews</span>
            </div>
          </div>
        </Card>

        {applied ? (
          <Card aria-labelledby="import-result-title">
            <InlineAlert
              tone="success"
              title={<span id="import-result-title">Import applied — live now</span>}
            >
              <PlanSummary plan={applied} /> New requests are routed with the imported settings.
            </InlineAlert>
            <div className={styles.resultLinks}>
              <Link href="/deployments" className={buttonClassName({ variant: 'primary' })}>
                Go to deployments
              </Link>
              <Link href="/model-groups" className={buttonClassName({ variant: 'secondary' })}>
                Go to model groups
              </Link>
            </div>
            {applied.warnings.length > 0 ? <Warnings warnings={applied.warnings} /> : null}
            <ImportPlanTable plan={applied} caption="What was imported" />
          </Card>
        ) : plan ? (
          <Card aria-labelledby="import-plan-title">
            <header className={styles.planHeader}>
              <div>
                <h2 id="import-plan-title" className={styles.planTitle}>
                  Dry run: what importing would change
                </h2>
                <p className={styles.planSummary}>
                  <PlanSummary plan={plan} />
                </p>
              </div>
              <Button
                variant="primary"
                onClick={() => setConfirming(true)}
                disabled={stale || changeCount === 0}
                title={
                  stale
                    ? 'The config, variables or names changed since this preview: preview again first.'
                    : undefined
                }
              >
                Apply
              </Button>
            </header>
            {stale ? (
              <div className={styles.notice}>
                <InlineAlert
                  tone="warn"
                  title="The config, variables or names changed since this preview"
                  actions={
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={runPreview}
                      loading={previewMutation.isPending}
                    >
                      Preview again
                    </Button>
                  }
                >
                  Apply imports exactly what was previewed (config, variables and names), so preview again
                  first.
                </InlineAlert>
              </div>
            ) : changeCount === 0 ? (
              <div className={styles.notice}>
                <InlineAlert tone="info">
                  {plan.skipped.length > 0
                    ? 'Nothing to apply until the missing variables are supplied; everything else is already here.'
                    : 'Everything in this config is already here: there is nothing to apply.'}
                </InlineAlert>
              </div>
            ) : null}
            <UnresolvedVariables plan={plan} />
            {plan.warnings.length > 0 ? <Warnings warnings={plan.warnings} /> : null}
            <ImportPlanTable plan={plan} caption="Planned changes" renaming={{ names, onRename: rename }} />
          </Card>
        ) : (
          <Card className={styles.placeholder} aria-label="Import plan">
            <p className={styles.placeholderTitle}>No preview yet</p>
            <p className={styles.placeholderText}>
              Preview shows, item by item, which model groups and deployments would be created, updated or
              left as they are, and any settings this gateway cannot carry over.
            </p>
          </Card>
        )}
      </div>

      <ConfirmDialog
        open={confirming}
        tone="primary"
        title="Apply this import?"
        description={
          plan ? (
            <>
              This creates {plan.summary.create} and updates {plan.summary.update}{' '}
              {plan.summary.create + plan.summary.update === 1 ? 'item' : 'items'} as previewed. Changes apply
              live to new requests; updated deployments keep working throughout.
            </>
          ) : null
        }
        confirmLabel="Apply"
        pending={applyMutation.isPending}
        error={applyMutation.error?.message ?? null}
        onConfirm={runApply}
        onCancel={() => {
          setConfirming(false);
          applyMutation.reset();
        }}
      />
    </>
  );
}

/** The API's message plus, when it names them, the places in the file that need fixing. */
function ErrorDetails({ error }: { error: Error }) {
  const issues = isApiError(error) ? error.fieldIssues : [];
  return (
    <>
      <p>{error.message}</p>
      {issues.length > 0 ? (
        <ul className={styles.issues}>
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              {issue.path ? <code>{issue.path}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Warnings({ warnings }: { warnings: string[] }) {
  return (
    <div className={styles.notice}>
      <InlineAlert tone="warn" title={`${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}`}>
        <ul className={styles.warnings}>
          {warnings.map((warning, i) => (
            <li key={i}>{warning}</li>
          ))}
        </ul>
      </InlineAlert>
    </div>
  );
}
