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
import { modelGroupHref } from '../links';
import { createModelGroupMutationOptions } from '../queries';
import { STRATEGY_INFO } from '../strategies';
import styles from './create-group-dialog.module.css';

const FORM_ID = 'create-model-group-form';
const LABELS = { name: 'Name', strategy: 'Strategy' };

export function CreateGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const create = useMutation(createModelGroupMutationOptions(queryClient));

  function close() {
    if (create.isPending) return;
    create.reset();
    onClose();
  }

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create model group"
      description="A model group is the model name clients ask for; its deployments share the traffic."
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form={FORM_ID} variant="primary" loading={create.isPending}>
            Create group
          </Button>
        </>
      }
    >
      <CreateGroupForm
        disabled={create.isPending}
        onSubmit={async (body) => {
          const group = await create.mutateAsync(body);
          toast.success(
            `Model group ${group.name} created`,
            'Add deployments to it so it can answer requests.',
          );
          create.reset();
          onClose();
          router.push(modelGroupHref(group.name));
        }}
      />
    </Dialog>
  );
}

function CreateGroupForm({
  disabled,
  onSubmit,
}: {
  disabled: boolean;
  onSubmit: (body: { name: string; strategy: RoutingStrategyName }) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [strategy, setStrategy] = useState<RoutingStrategyName>('weighted-shuffle');
  const [errors, setErrors] = useState<FormErrors>(NO_FORM_ERRORS);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (disabled) return;
    const parsed = createModelGroupSchema.safeParse({ name, strategy });
    if (!parsed.success) {
      setErrors(formErrorsFromZod(parsed.error, LABELS));
      return;
    }
    setErrors(NO_FORM_ERRORS);
    try {
      await onSubmit({ name: parsed.data.name, strategy: parsed.data.strategy });
    } catch (error) {
      setErrors(formErrorsFromApi(error, LABELS));
    }
  }

  return (
    <form id={FORM_ID} className={styles.form} onSubmit={handleSubmit} noValidate>
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
            autoFocus
            autoComplete="off"
            spellCheck={false}
            placeholder="gpt-4o-mini"
            value={name}
            disabled={disabled}
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
            disabled={disabled}
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
        Retries (2), allowed fails (3) and cooldown (60 s) start at their defaults; change them on the group’s
        page.
      </p>
    </form>
  );
}
