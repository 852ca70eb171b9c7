'use client';

import type { Deployment } from '@switchboard/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '@/components/ui';
import { Dialog } from '@/components/ui/dialog';
import { toast } from '@/components/ui/toast';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import { modelGroupNamesQueryOptions } from '@/features/model-groups/queries';
import { createDeploymentMutationOptions, updateDeploymentMutationOptions } from '../queries';
import { DeploymentForm, type DeploymentFormSubmit } from './deployment-form';

const FORM_ID = 'deployment-form';

export type DeploymentFormTarget =
  { mode: 'create'; modelGroup?: string } | { mode: 'edit'; deployment: Deployment };

interface DeploymentFormDialogProps {
  /** What to open the form for; `null` keeps it closed. */
  target: DeploymentFormTarget | null;
  onClose: () => void;
}

/** "Add deployment" and "Edit …" in one dialog; the form inside starts fresh each time it opens. */
export function DeploymentFormDialog({ target, onClose }: DeploymentFormDialogProps) {
  const queryClient = useQueryClient();
  const groupNames = useQuery({ ...modelGroupNamesQueryOptions(), enabled: target !== null });
  const create = useMutation(createDeploymentMutationOptions(queryClient));
  const update = useMutation(updateDeploymentMutationOptions(queryClient));
  const pending = create.isPending || update.isPending;

  const editing = target?.mode === 'edit' ? target.deployment : undefined;
  // The form's own isDirty (react-hook-form), reported up so closing can ask first.
  const [dirty, setDirty] = useState(false);

  function close() {
    if (pending) return;
    create.reset();
    update.reset();
    setDirty(false);
    onClose();
  }

  const discard = useDiscardChanges({
    dirty: target !== null && dirty,
    onClose: close,
    busy: pending,
    description: editing
      ? `What you changed in “${editing.name}” is not saved.`
      : 'The deployment is not added and what you typed is lost.',
  });

  async function submit(submission: DeploymentFormSubmit) {
    if (submission.mode === 'create') {
      const created = await create.mutateAsync(submission.body);
      toast.success(
        `Deployment ${created.name} added`,
        created.enabled
          ? `Routing ${created.modelGroup} traffic to it now.`
          : `Disabled: it gets no ${created.modelGroup} traffic until enabled.`,
      );
    } else if (editing) {
      if (Object.keys(submission.patch).length === 0) {
        toast.info('Nothing to save', `${editing.name} already has these settings.`);
      } else {
        const updated = await update.mutateAsync({ deployment: editing, patch: submission.patch });
        toast.success(`Saved ${updated.name}`, 'Applied live: new requests use these settings now.');
      }
    }
    create.reset();
    update.reset();
    setDirty(false);
    onClose();
  }

  return (
    <>
      {discard.prompt}
      <Dialog
        open={target !== null}
        onClose={discard.requestClose}
        size="lg"
        dismissOnBackdrop={false}
        title={editing ? `Edit ${editing.name}` : 'Add deployment'}
        description={
          editing
            ? 'Changes apply live to new requests. The API key is write-only.'
            : 'One upstream model endpoint the gateway can route a model group’s requests to.'
        }
        footer={
          <>
            <Button variant="secondary" onClick={discard.requestClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" form={FORM_ID} variant="primary" loading={pending}>
              Save
            </Button>
          </>
        }
      >
        {target ? (
          <DeploymentForm
            formId={FORM_ID}
            deployment={editing}
            defaultModelGroup={target.mode === 'create' ? target.modelGroup : undefined}
            groupNames={groupNames.data ?? []}
            disabled={pending}
            onSubmit={submit}
            onDirtyChange={setDirty}
          />
        ) : null}
      </Dialog>
    </>
  );
}
