'use client';

import {
  BODY_MAX_BYTES_MAX,
  BODY_MAX_BYTES_MIN,
  BODY_RETENTION_DAYS_MAX,
  createProjectSchema,
  type CreateProject,
  type Project,
  updateProjectSchema,
  type UpdateProject,
} from '@switchboard/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import type { Route } from 'next';
import { useState, type FormEvent } from 'react';
import { Field, Input } from '@/components/ui';
import { FormDialog } from '@/components/ui/form-dialog';
import { formErrorsFromApi, formErrorsFromZod, type FormErrors } from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Switch } from '@/components/ui/switch';
import { Textarea } from '@/components/ui/textarea';
import { toast } from '@/components/ui/toast';
import { useFormErrors } from '@/components/ui/use-form-errors';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import { createProjectMutationOptions, updateProjectMutationOptions } from '../queries';
import styles from './projects.module.css';

const LABELS = {
  name: 'Project name',
  description: 'Description',
  tags: 'Tags',
  storeBodies: 'Store request and response bodies',
  bodyMaxBytes: 'Max size per body (KB)',
  bodyRetentionDays: 'Keep bodies for (days)',
} as const;
const DEFAULT_BODY_KB = 32;
const DEFAULT_BODY_DAYS = 7;

/** The contract counts bytes; the form asks for KB, so its range messages are said in KB and days. */
function inFormUnits(errors: FormErrors): FormErrors {
  const fields = { ...errors.fields };
  if (fields.bodyMaxBytes) {
    fields.bodyMaxBytes = `Enter a whole number of KB from ${BODY_MAX_BYTES_MIN / 1024} to ${BODY_MAX_BYTES_MAX / 1024}.`;
  }
  if (fields.bodyRetentionDays) {
    fields.bodyRetentionDays = `Enter a whole number of days from 1 to ${BODY_RETENTION_DAYS_MAX}.`;
  }
  return { ...errors, fields };
}

/** A whole number typed in a field; NaN for anything else (the contract then names the field). */
function wholeNumber(raw: string): number {
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
}
// The form's order: a failed submit puts the cursor in the first field with a problem.
const ORDER = ['name', 'description', 'tags', 'bodyMaxBytes', 'bodyRetentionDays'] as const;
const FORM_ID = 'project-form';

function splitTags(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

interface ProjectFormDialogProps {
  open: boolean;
  onClose: () => void;
  /** Edit this project; without it the dialog creates one. */
  project?: Project;
}

/**
 * Create or edit a project (name, description, tags), validated with the shared contract. Closing with
 * changes typed asks first. Give it a new `key` each time it opens so it starts from a clean form.
 */
export function ProjectFormDialog({ open, onClose, project }: ProjectFormDialogProps) {
  const router = useRouter();
  const [initial] = useState(() => ({
    name: project?.name ?? '',
    description: project?.description ?? '',
    tags: project?.tags.join(', ') ?? '',
    storeBodies: project?.storeBodies ?? false,
    bodyKb: String(project ? project.bodyMaxBytes / 1024 : DEFAULT_BODY_KB),
    bodyDays: String(project?.bodyRetentionDays ?? DEFAULT_BODY_DAYS),
  }));
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [tags, setTags] = useState(initial.tags);
  const [storeBodies, setStoreBodies] = useState(initial.storeBodies);
  const [bodyKb, setBodyKb] = useState(initial.bodyKb);
  const [bodyDays, setBodyDays] = useState(initial.bodyDays);
  const { errors, setErrors, showErrors, clearErrors } = useFormErrors(ORDER, (field) => `project-${field}`);

  const create = useMutation(createProjectMutationOptions());
  const update = useMutation(updateProjectMutationOptions());
  const pending = create.isPending || update.isPending;
  const discard = useDiscardChanges({
    dirty:
      name !== initial.name ||
      description !== initial.description ||
      storeBodies !== initial.storeBodies ||
      bodyKb !== initial.bodyKb ||
      bodyDays !== initial.bodyDays ||
      !sameTags(splitTags(tags), splitTags(initial.tags)),
    onClose,
    busy: pending,
    description: project
      ? `What you changed in “${project.name}” is not saved.`
      : 'The project is not created and what you typed is lost.',
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const fields = {
      name,
      description: description.trim() === '' ? null : description,
      tags: splitTags(tags),
      storeBodies,
      // Sizes are typed in KB (1 KB = 1024 bytes); the contract checks the range in bytes.
      bodyMaxBytes: Math.round(wholeNumber(bodyKb) * 1024),
      bodyRetentionDays: wholeNumber(bodyDays),
    };
    const onError = (error: Error) => setErrors(inFormUnits(formErrorsFromApi(error, LABELS)));

    if (project) {
      const body: UpdateProject = fields;
      const parsed = updateProjectSchema.safeParse(body);
      if (!parsed.success) return showErrors(inFormUnits(formErrorsFromZod(parsed.error, LABELS)));
      clearErrors();
      update.mutate(
        { id: project.id, body: parsed.data },
        {
          onSuccess: (saved) => {
            toast.success('Project saved', `“${saved.name}” was updated.`);
            onClose();
          },
          onError,
        },
      );
      return;
    }

    const body: CreateProject = fields;
    const parsed = createProjectSchema.safeParse(body);
    if (!parsed.success) return showErrors(inFormUnits(formErrorsFromZod(parsed.error, LABELS)));
    clearErrors();
    create.mutate(parsed.data, {
      onSuccess: (created) => {
        toast.success('Project created', `Issue a key for “${created.name}” to start sending requests.`);
        onClose();
        router.push(`/projects/${created.id}` as Route);
      },
      onError,
    });
  }

  return (
    <FormDialog
      prompt={discard.prompt}
      open={open}
      onClose={discard.requestClose}
      title={project ? 'Edit project' : 'New project'}
      description={
        project
          ? undefined
          : 'A project groups virtual keys and their spend, e.g. one per team, app or environment.'
      }
      formId={FORM_ID}
      formClassName={styles.form}
      onSubmit={onSubmit}
      pending={pending}
      submitLabel={project ? 'Save changes' : 'Create project'}
      otherErrors={errors.other}
      errorTitle="The project could not be saved"
    >
      <Field
        id="project-name"
        label={LABELS.name}
        error={errors.fields.name}
        hint="Shown in logs and usage tables."
      >
        {(control) => (
          <Input
            {...control}
            value={name}
            onChange={(event) => setName(event.target.value)}
            autoComplete="off"
            maxLength={128}
            required
            data-autofocus
            disabled={pending}
          />
        )}
      </Field>
      <Field
        id="project-description"
        label={`${LABELS.description} (optional)`}
        error={errors.fields.description}
      >
        {(control) => (
          <Textarea
            {...control}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            maxLength={2000}
            rows={3}
            disabled={pending}
          />
        )}
      </Field>
      <Field
        id="project-tags"
        label={`${LABELS.tags} (optional)`}
        hint="Comma-separated, e.g. team-search, production."
        error={errors.fields.tags}
      >
        {(control) => (
          <Input
            {...control}
            value={tags}
            onChange={(event) => setTags(event.target.value)}
            autoComplete="off"
            disabled={pending}
          />
        )}
      </Field>
      <fieldset className={styles.bodies}>
        <legend className={styles.bodiesLegend}>Request bodies</legend>
        <label className={styles.toggle} htmlFor="project-storeBodies">
          <Switch
            id="project-storeBodies"
            checked={storeBodies}
            onCheckedChange={setStoreBodies}
            disabled={pending}
          />
          {LABELS.storeBodies}
        </label>
        <p className={styles.bodiesHint}>
          Off by default. Kept bodies are shown in each request&apos;s log detail, with credentials (API keys,
          tokens, passwords) replaced by [redacted].
        </p>
        {storeBodies ? (
          <>
            <InlineAlert tone="warn" title="Bodies may contain personal data">
              Prompts and answers are stored as sent (redacted of credentials only). Turn this on only where
              your privacy rules allow it, and keep the retention short.
            </InlineAlert>
            <div className={styles.bodiesRow}>
              <Field
                id="project-bodyMaxBytes"
                label={LABELS.bodyMaxBytes}
                hint={`Each body is cut there (${BODY_MAX_BYTES_MIN / 1024} to ${BODY_MAX_BYTES_MAX / 1024} KB).`}
                error={errors.fields.bodyMaxBytes}
              >
                {(control) => (
                  <Input
                    {...control}
                    value={bodyKb}
                    onChange={(event) => setBodyKb(event.target.value)}
                    inputMode="numeric"
                    autoComplete="off"
                    disabled={pending}
                  />
                )}
              </Field>
              <Field
                id="project-bodyRetentionDays"
                label={LABELS.bodyRetentionDays}
                hint={`Then deleted (1 to ${BODY_RETENTION_DAYS_MAX} days).`}
                error={errors.fields.bodyRetentionDays}
              >
                {(control) => (
                  <Input
                    {...control}
                    value={bodyDays}
                    onChange={(event) => setBodyDays(event.target.value)}
                    inputMode="numeric"
                    autoComplete="off"
                    disabled={pending}
                  />
                )}
              </Field>
            </div>
          </>
        ) : initial.storeBodies ? (
          <InlineAlert tone="info">
            Bodies already stored stay until their retention ({initial.bodyDays} days) ends.
          </InlineAlert>
        ) : null}
      </fieldset>
    </FormDialog>
  );
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, i) => tag === b[i]);
}
