'use client';

import type { CreatedKey, VirtualKey } from '@switchboard/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Field } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { revokeKeyMutationOptions, rotateKeyMutationOptions } from '../queries';
import { keyName } from './key-card';
import { KeySecretPanel } from './key-secret-panel';

export type KeyAction = { kind: 'revoke' | 'rotate'; key: VirtualKey };

export const KEYS_HEADING_ID = 'project-keys-heading';

const GRACE_PERIODS = [
  { seconds: 0, label: 'No grace: the old secret stops working now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 7 * 86_400, label: '7 days' },
] as const;

interface KeyActionDialogsProps {
  action: KeyAction | null;
  onClose: () => void;
  publicUrl: string | null;
}

/**
 * The confirmations for revoking and rotating a key, and the new secret after a rotation.
 * They live with the key list, not in a key's card: a revoked key leaves the list while its
 * dialog still has to close and say so.
 */
export function KeyActionDialogs({ action, onClose, publicUrl }: KeyActionDialogsProps) {
  const revoke = useMutation(revokeKeyMutationOptions());
  const rotate = useMutation(rotateKeyMutationOptions());
  const [grace, setGrace] = useState(0);
  const [rotated, setRotated] = useState<{ created: CreatedKey; name: string } | null>(null);

  const key = action?.key;
  const name = key ? keyName(key) : '';

  function close() {
    if (revoke.isPending || rotate.isPending) return;
    onClose();
    revoke.reset();
    rotate.reset();
    setGrace(0);
  }

  return (
    <>
      <ConfirmDialog
        open={action?.kind === 'revoke'}
        onCancel={close}
        title={`Revoke “${name}”?`}
        description={
          <>
            Apps using <code>{key?.prefix}</code> get “401 invalid API key” from their next request on. This
            cannot be undone; issue a new key if you need one.
          </>
        }
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error?.message}
        onConfirm={() => {
          if (!key) return;
          revoke.mutate(key.id, {
            onSuccess: () => {
              onClose();
              revoke.reset();
              toast.success('Key revoked', `“${name}” no longer works.`);
              // Its Revoke button is gone with the key: hand focus to the list instead of the page body.
              requestAnimationFrame(() => document.getElementById(KEYS_HEADING_ID)?.focus());
            },
          });
        }}
      />

      <ConfirmDialog
        open={action?.kind === 'rotate'}
        onCancel={close}
        title={`Rotate “${name}”?`}
        description="A new secret replaces the current one. Limits, budget and usage stay with the key."
        confirmLabel="Rotate key"
        tone="primary"
        pending={rotate.isPending}
        error={rotate.error?.message}
        onConfirm={() => {
          if (!key) return;
          rotate.mutate(
            { id: key.id, gracePeriodSeconds: grace },
            {
              // The "Key rotated" dialog with the new secret is the confirmation.
              onSuccess: (created) => {
                onClose();
                rotate.reset();
                setGrace(0);
                setRotated({ created, name });
              },
            },
          );
        }}
      >
        <Field
          id="rotate-grace"
          label="Keep the old secret working for"
          hint="Time to roll the new secret out to your apps."
        >
          {(control) => (
            <Select
              id={control.id}
              aria-describedby={control['aria-describedby']}
              value={String(grace)}
              onChange={(event) => setGrace(Number(event.target.value))}
              disabled={rotate.isPending}
            >
              {GRACE_PERIODS.map((option) => (
                <option key={option.seconds} value={option.seconds}>
                  {option.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </ConfirmDialog>

      <Dialog
        open={rotated !== null}
        onClose={() => setRotated(null)}
        title="Key rotated"
        description={
          rotated ? `Update every app that uses “${rotated.name}” with the new secret.` : undefined
        }
        size="lg"
        dismissOnBackdrop={false}
        footer={
          <Button variant="primary" onClick={() => setRotated(null)} data-autofocus>
            Done
          </Button>
        }
      >
        {rotated ? <KeySecretPanel created={rotated.created} publicUrl={publicUrl} /> : null}
      </Dialog>
    </>
  );
}
