'use client';

import { createModelGroupSchema, ROUTING_STRATEGIES, type RoutingStrategyName } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button, Field, Input } from '@/components/ui';
import { Dialog } from '@/components/ui/dialog';
import {
  formErrorsFromApi,
  formErrorsFromZod,
  NO_FORM_ERRORS,
  type FormErrors,
} from '@/components/ui/form-errors';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import { modelGroupHref } from '../links';
import { createModelGroupMutationOptions } from '../queries';
import { STRATEGY_INFO } from '../strategies';
import styles from './create-group-dialog.module.css';

const FORM_ID = 'create-model-group-form';
const LABELS = { name: 'Name', strategy: 'Strategy' };
const DEFAULT_STRATEGY: RoutingStrategyName = 'weighted-shuffle';

/**
 * Creates a model group, then opens its routing editor. Give it a new `key` each time it opens so it
 * starts from a clean form; closing with something typed asks first.
 */
export function CreateGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const create = useMutation(createModelGroupMutationOptions(queryClient));
  const [name, setName] = useState('');
  const [strategy, setStrategy] = useState<RoutingStrategyName>(DEFAULT_STRATEGY);
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);
  const discard = useDiscardChanges({
    dirty: name.trim() !== '' || strategy !== DEFAULT_STRATEGY,
    onClose,
    busy: create.isPending,
    description: 'The model group is not created.',
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (create.isPending) return;
    const parsed = createModelGroupSchema.safeParse({ name, strategy });
    if (!parsed.success) {
      setErrors(formErrorsFromZod(parsed.error, LABELS));
      return;
    }
    setErrors(NO_FORM_ERRORS);
    create.mutate(
      { name: parsed.data.name, strategy: parsed.data.strategy },
      {
        onSuccess: (group) => {
          toast.success(
            `Model group ${group.name} created`,
            'Add deployments to it so it can answer requests.',
          );
          onClose();
          router.push(modelGroupHref(group.name));
        },
        onError: (error) => setErrors(formErrorsFromApi(error, LABELS)),
      },
    );
  }

  return (
    <>
      {discard.prompt}
      <Dialog
        open={open}
        onClose={discard.requestClose}
        title="Create model group"
        description="A model group is the model name clients ask for; its deployments share the traffic."
        footer={
          <>
            <Button variant="secondary" onClick={discard.requestClose} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" form={FORM_ID} variant="primary" loading={create.isPending}>
              Create group
            </Button>
          </>
        }
      >
        <form id={FORM_ID} className={styles.form} onSubmit={onSubmit} noValidate>
          {errors.other.length > 0 ? <InlineAlert tone="danger">{errors.other.join(' ')}</InlineAlert> : null}
          <Field
            id="model-group-name"
            label={LABELS.name}
            hint="What clients send as “model”, e.g. gpt-4o-mini. Letters, digits and . _ : / @ -"
            error={errors.fields.name}
          >
            {(control) => (
              <Input
                {...control}
                data-autofocus
                autoComplete="off"
                spellCheck={false}
                placeholder="gpt-4o-mini"
                value={name}
                disabled={create.isPending}
                onChange={(event) => {
                  setName(event.target.value);
                  if (errors.fields.name) setErrors(NO_FORM_ERRORS);
                }}
              />
            )}
          </Field>
          <Field
            id="model-group-strategy"
            label={LABELS.strategy}
            hint={STRATEGY_INFO[strategy].explanation}
            error={errors.fields.strategy}
          >
            {(control) => (
              <Select
                id={control.id}
                aria-describedby={control['aria-describedby']}
                invalid={control.invalid}
                value={strategy}
                disabled={create.isPending}
                onChange={(event) => setStrategy(event.target.value as RoutingStrategyName)}
              >
                {ROUTING_STRATEGIES.map((s) => (
                  <option key={s} value={s}>
                    {STRATEGY_INFO[s].label}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <p className={styles.note}>
            Retries (2), allowed fails (3) and cooldown (60 s) start at their defaults; change them on the
            group’s page.
          </p>
        </form>
      </Dialog>
    </>
  );
}
