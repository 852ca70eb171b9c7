'use client';

import type { ModelGroup } from '@switchboard/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { toast } from '@/components/ui/toast';
import { deleteModelGroupMutationOptions } from '../queries';

interface DeleteGroupDialogProps {
  /** The group to delete; `null` keeps the dialog closed. */
  group: Pick<ModelGroup, 'name' | 'deploymentCount'> | null;
  onClose: () => void;
  onDeleted?: () => void;
}

/**
 * Confirms deleting a model group. The API refuses (409) while the group still has deployments or
 * is another group's fallback; that message is shown in the dialog.
 */
export function DeleteGroupDialog({ group, onClose, onDeleted }: DeleteGroupDialogProps) {
  const queryClient = useQueryClient();
  const remove = useMutation(deleteModelGroupMutationOptions(queryClient));

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <ConfirmDialog
      open={group !== null}
      title={`Delete ${group?.name ?? 'model group'}?`}
      description={
        group && group.deploymentCount > 0 ? (
          <>
            <strong>{group.name}</strong> still has {group.deploymentCount}{' '}
            {group.deploymentCount === 1 ? 'deployment' : 'deployments'}; the gateway will refuse until they
            are deleted or moved to another group.
          </>
        ) : (
          <>
            Clients asking for model <strong>{group?.name}</strong> get “model not found” from now on, and its
            routing policy is removed. This cannot be undone.
          </>
        )
      }
      confirmLabel="Delete"
      pending={remove.isPending}
      error={remove.error?.message ?? null}
      onCancel={close}
      onConfirm={() => {
        if (!group) return;
        remove.mutate(group, {
          onSuccess: () => {
            toast.success(`Model group ${group.name} deleted`);
            close();
            onDeleted?.();
          },
        });
      }}
    />
  );
}
