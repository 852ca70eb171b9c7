'use client';

import {
  type Account,
  type AccountInvite,
  createAccountSchema,
  ROLES,
  type Role,
  updateAccountSchema,
  type UpdateAccountInput,
} from '@switchboard/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Field, Input } from '@/components/ui';
import { Dialog } from '@/components/ui/dialog';
import { FormDialog } from '@/components/ui/form-dialog';
import { formErrorsFromApi, formErrorsFromZod } from '@/components/ui/form-errors';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { useFormErrors } from '@/components/ui/use-form-errors';
import { useDiscardChanges } from '@/components/ui/unsaved-changes';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from '@/features/auth/roles';
import { createAccountMutationOptions, updateAccountMutationOptions } from '../queries';
import { OneTimeLink } from './one-time-link';
import { ProjectPicker } from './project-picker';
import styles from './accounts.module.css';

const LABELS = {
  email: 'Email',
  displayName: 'Name',
  role: 'Role',
  projectIds: 'Projects',
} as const;
const ORDER = ['email', 'displayName', 'role'] as const;
const FORM_ID = 'account-form';

interface AccountFormDialogProps {
  open: boolean;
  onClose: () => void;
  /** Edit this account's name, role and projects; without it the dialog invites a new account. */
  account?: Account;
}

/**
 * Invite an account (then show its one-time set-password link) or change one's name, role and
 * projects. Closing with changes typed asks first. Give it a new `key` each time it opens so it starts
 * from a clean form.
 */
export function AccountFormDialog({ open, onClose, account }: AccountFormDialogProps) {
  const [email, setEmail] = useState(account?.email ?? '');
  const [displayName, setDisplayName] = useState(account?.displayName ?? '');
  const [role, setRole] = useState<Role>(account?.role ?? 'viewer');
  const [projectIds, setProjectIds] = useState<string[]>(account?.projectIds ?? []);
  const { errors, showErrors, clearErrors } = useFormErrors(ORDER, (field) => `account-${field}`);
  const [invite, setInvite] = useState<AccountInvite | null>(null);

  const create = useMutation(createAccountMutationOptions());
  const update = useMutation(updateAccountMutationOptions());
  const pending = create.isPending || update.isPending;
  const discard = useDiscardChanges({
    dirty:
      email !== (account?.email ?? '') ||
      displayName !== (account?.displayName ?? '') ||
      role !== (account?.role ?? 'viewer') ||
      !sameIds(projectIds, account?.projectIds ?? []),
    onClose,
    busy: pending,
    description: account
      ? `What you changed for ${account.displayName} is not saved.`
      : 'The account is not created and what you typed is lost.',
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const onError = (error: Error) => showErrors(formErrorsFromApi(error, LABELS));
    const chosenProjects = role === 'project-member' ? projectIds : [];

    if (account) {
      const body: UpdateAccountInput = {};
      if (displayName.trim() !== account.displayName) body.displayName = displayName;
      if (role !== account.role) body.role = role;
      if (role === 'project-member' && !sameIds(chosenProjects, account.projectIds)) {
        body.projectIds = chosenProjects;
      }
      if (Object.keys(body).length === 0) {
        onClose();
        return;
      }
      const parsed = updateAccountSchema.safeParse(body);
      if (!parsed.success) return showErrors(formErrorsFromZod(parsed.error, LABELS));
      clearErrors();
      update.mutate(
        { id: account.id, body: parsed.data },
        {
          onSuccess: (saved) => {
            toast.success('Account saved', `${saved.displayName} is now ${ROLE_LABELS[saved.role]}.`);
            onClose();
          },
          onError,
        },
      );
      return;
    }

    const parsed = createAccountSchema.safeParse({ email, displayName, role, projectIds: chosenProjects });
    if (!parsed.success) return showErrors(formErrorsFromZod(parsed.error, LABELS));
    clearErrors();
    create.mutate(parsed.data, {
      onSuccess: (created) => {
        toast.success('Account created', `Send ${created.account.displayName} the link to set a password.`);
        setInvite(created);
      },
      onError,
    });
  }

  if (invite) {
    return (
      <Dialog
        open={open}
        onClose={onClose}
        title="Account created"
        description={`${invite.account.displayName} signs in after setting a password with this link.`}
        dismissOnBackdrop={false}
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <OneTimeLink invite={invite} />
      </Dialog>
    );
  }

  return (
    <FormDialog
      prompt={discard.prompt}
      open={open}
      onClose={discard.requestClose}
      title={account ? `Edit ${account.displayName}` : 'Invite an account'}
      description={
        account
          ? 'Changes apply at the account’s next request.'
          : 'You get a one-time link to send; with it the person sets a password and signs in.'
      }
      formId={FORM_ID}
      formClassName={styles.form}
      onSubmit={onSubmit}
      pending={pending}
      submitLabel={account ? 'Save changes' : 'Create account'}
      otherErrors={errors.other}
      errorTitle="The account could not be saved"
    >
      {account ? null : (
        <Field id="account-email" label={LABELS.email} error={errors.fields.email}>
          {(control) => (
            <Input
              {...control}
              type="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              autoComplete="off"
              spellCheck={false}
              maxLength={254}
              required
              data-autofocus
              disabled={pending}
            />
          )}
        </Field>
      )}

      <Field id="account-displayName" label={LABELS.displayName} error={errors.fields.displayName}>
        {(control) => (
          <Input
            {...control}
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            autoComplete="off"
            maxLength={128}
            required
            data-autofocus={account ? true : undefined}
            disabled={pending}
          />
        )}
      </Field>

      <Field id="account-role" label={LABELS.role} hint={ROLE_DESCRIPTIONS[role]} error={errors.fields.role}>
        {(control) => (
          <Select
            {...control}
            value={role}
            onChange={(event) => setRole(event.target.value as Role)}
            disabled={pending}
          >
            {ROLES.map((value) => (
              <option key={value} value={value}>
                {ROLE_LABELS[value]}
              </option>
            ))}
          </Select>
        )}
      </Field>

      {role === 'project-member' ? (
        <ProjectPicker
          value={projectIds}
          onChange={setProjectIds}
          disabled={pending}
          error={errors.fields.projectIds}
        />
      ) : null}
    </FormDialog>
  );
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
