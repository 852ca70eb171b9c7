'use client';

import type { Account, AccountInvite } from '@switchboard/contracts';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState, type ReactNode } from 'react';
import { Badge, Button, Card, EmptyState, PageHeader, Skeleton } from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { formatDateTime, formatRelative } from '@/components/ui/format';
import { UsersIcon } from '@/components/ui/icons';
import { RowActions, Table, Td, Th } from '@/components/ui/table';
import { toast } from '@/components/ui/toast';
import { QueryErrorState } from '@/components/ui/query-error-state';
import { ROLE_LABELS } from '@/features/auth/roles';
import { can, useCaller } from '@/features/auth/use-caller';
import { PlusIcon } from '@/features/projects/components/projects-view';
import { projectOptionsQueryOptions } from '@/features/projects/queries';
import {
  accountListQueryOptions,
  resetPasswordMutationOptions,
  updateAccountMutationOptions,
} from '../queries';
import { AccountFormDialog } from './account-form-dialog';
import { OneTimeLink } from './one-time-link';
import styles from './accounts.module.css';

const SKELETON_ROWS = 4;

type Action =
  | { kind: 'invite' }
  | { kind: 'edit'; account: Account }
  | { kind: 'status'; account: Account }
  | { kind: 'reset'; account: Account };

/** Operator accounts: who may sign in to this console, with which role. */
export function AccountsView() {
  const { data: caller } = useCaller();
  const writable = can(caller, 'accounts:write');
  const query = useInfiniteQuery(accountListQueryOptions());
  const [action, setAction] = useState<Action | null>(null);
  // A fresh form every time a dialog opens.
  const [dialogKey, setDialogKey] = useState(0);
  const open = (next: Action) => {
    setDialogKey((key) => key + 1);
    setAction(next);
  };
  const close = () => setAction(null);

  const accounts = useMemo(() => query.data?.pages.flatMap((page) => page.data) ?? [], [query.data]);
  const needsProjects = accounts.some((account) => account.role === 'project-member');
  const projects = useQuery({
    ...projectOptionsQueryOptions(),
    enabled: needsProjects && can(caller, 'projects:read'),
  });
  const projectNames = useMemo(
    () => new Map((projects.data ?? []).map((project) => [project.id, project.name])),
    [projects.data],
  );

  const inviteButton = writable ? (
    <Button variant="primary" icon={<PlusIcon />} onClick={() => open({ kind: 'invite' })}>
      Invite
    </Button>
  ) : null;

  return (
    <>
      <PageHeader
        title="Accounts"
        description="Who may sign in to this console, and what their role lets them do."
        actions={inviteButton}
      />

      {query.isError && !query.data ? (
        <QueryErrorState title="Could not load accounts" query={query} />
      ) : query.isPending ? (
        <Card padding="none" className={styles.tableCard} aria-busy="true">
          <span className="visually-hidden" role="status">
            Loading accounts
          </span>
          <AccountsTable inert actions={writable}>
            {Array.from({ length: SKELETON_ROWS }, (_, row) => (
              <tr key={row}>
                <Td>
                  <Skeleton width={140} height={14} />
                  <Skeleton width={180} height={12} className={styles.skeletonLine} />
                </Td>
                <Td>
                  <Skeleton width={80} height={18} radius="full" />
                </Td>
                <Td>
                  <Skeleton width={60} height={18} radius="full" />
                </Td>
                <Td>
                  <Skeleton width={70} height={18} radius="full" />
                </Td>
                <Td>
                  <Skeleton width={90} height={14} />
                </Td>
                {writable ? (
                  <Td>
                    <Skeleton width={160} height={24} />
                  </Td>
                ) : null}
              </tr>
            ))}
          </AccountsTable>
        </Card>
      ) : accounts.length === 0 ? (
        <EmptyState
          icon={<UsersIcon size={22} />}
          title="No accounts yet"
          description="Invite the people who operate this gateway. Each gets a role; the master key stays for emergencies."
          actions={inviteButton}
        />
      ) : (
        <Card padding="none" className={styles.tableCard}>
          <AccountsTable actions={writable}>
            {accounts.map((account) => (
              <AccountRow
                key={account.id}
                account={account}
                isYou={caller?.account?.id === account.id}
                projectNames={projectNames}
                actions={
                  writable ? (
                    <RowActions>
                      <Button
                        size="sm"
                        onClick={() => open({ kind: 'edit', account })}
                        aria-describedby={rowId(account)}
                      >
                        Edit
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => open({ kind: 'reset', account })}
                        aria-describedby={rowId(account)}
                      >
                        Reset password
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        onClick={() => open({ kind: 'status', account })}
                        aria-describedby={rowId(account)}
                      >
                        {account.status === 'active' ? 'Disable' : 'Enable'}
                      </Button>
                    </RowActions>
                  ) : null
                }
              />
            ))}
          </AccountsTable>
          {query.hasNextPage ? (
            <div className={styles.loadMore}>
              <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
                Load more accounts
              </Button>
            </div>
          ) : null}
        </Card>
      )}

      {writable ? (
        <>
          <AccountFormDialog
            key={`form-${dialogKey}`}
            open={action?.kind === 'invite' || action?.kind === 'edit'}
            onClose={close}
            account={action?.kind === 'edit' ? action.account : undefined}
          />
          <StatusDialog
            key={`status-${dialogKey}`}
            account={action?.kind === 'status' ? action.account : null}
            isYou={action?.kind === 'status' && caller?.account?.id === action.account.id}
            onClose={close}
          />
          <ResetPasswordDialog
            key={`reset-${dialogKey}`}
            account={action?.kind === 'reset' ? action.account : null}
            onClose={close}
          />
        </>
      ) : null}
    </>
  );
}

function rowId(account: Account): string {
  return `account-${account.id}`;
}

function AccountRow({
  account,
  isYou,
  projectNames,
  actions,
}: {
  account: Account;
  isYou: boolean;
  projectNames: ReadonlyMap<string, string>;
  actions: ReactNode;
}) {
  const [now] = useState(() => Date.now());
  return (
    <tr>
      <Th scope="row" nowrap={false}>
        <span id={rowId(account)} className={styles.name}>
          {account.displayName}
        </span>
        {isYou ? <span className={styles.you}>(you)</span> : null}
        <p className={styles.email}>{account.email}</p>
      </Th>
      <Td data-label="Role">
        <Badge tone={account.role === 'admin' ? 'accent' : 'neutral'}>{ROLE_LABELS[account.role]}</Badge>
        {account.role === 'project-member' ? (
          <div className={styles.projects}>
            {account.projectIds.length === 0 ? (
              <span className={styles.muted}>No projects</span>
            ) : (
              account.projectIds.map((id) => (
                <Badge key={id}>{projectNames.get(id) ?? 'Unknown project'}</Badge>
              ))
            )}
          </div>
        ) : null}
      </Td>
      <Td nowrap data-label="Status">
        {account.status === 'active' ? (
          <Badge tone="success" dot>
            Active
          </Badge>
        ) : (
          <Badge tone="danger" dot>
            Disabled
          </Badge>
        )}
      </Td>
      <Td data-label="Sign-in">
        <span className={styles.badges}>
          {account.hasPassword ? <Badge>Password</Badge> : null}
          {account.ssoSubject ? <Badge tone="accent">SSO</Badge> : null}
          {!account.hasPassword && !account.ssoSubject ? <Badge tone="warn">Invited</Badge> : null}
        </span>
      </Td>
      <Td nowrap muted data-label="Last sign-in">
        {account.lastLoginAt ? (
          <time dateTime={account.lastLoginAt} title={formatDateTime(account.lastLoginAt)}>
            {formatRelative(account.lastLoginAt, now)}
          </time>
        ) : (
          'Never'
        )}
      </Td>
      {actions ? (
        <Td align="end" nowrap stack="full">
          {actions}
        </Td>
      ) : null}
    </tr>
  );
}

/** `inert` for the skeleton: same size as the real table, but not yet something to read or tab into. */
function AccountsTable({
  children,
  inert,
  actions,
}: {
  children: ReactNode;
  inert?: boolean;
  actions: boolean;
}) {
  const table = (
    <Table caption="Accounts" captionHidden stackBelow={760}>
      <thead>
        <tr>
          <Th>Account</Th>
          <Th>Role</Th>
          <Th>Status</Th>
          <Th>Sign-in</Th>
          <Th>Last sign-in</Th>
          {actions ? (
            <Th align="end">
              <span className="visually-hidden">Actions</span>
            </Th>
          ) : null}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </Table>
  );
  return inert ? <div inert>{table}</div> : table;
}

function StatusDialog({
  account,
  isYou,
  onClose,
}: {
  account: Account | null;
  isYou: boolean;
  onClose: () => void;
}) {
  const update = useMutation(updateAccountMutationOptions());
  if (!account) return null;
  const disabling = account.status === 'active';
  return (
    <ConfirmDialog
      open
      onCancel={onClose}
      title={disabling ? `Disable ${account.displayName}?` : `Enable ${account.displayName}?`}
      description={
        disabling
          ? `${account.email} is signed out everywhere and can no longer sign in or use personal API tokens until enabled again.${isYou ? ' This is your own account: you will be signed out.' : ''}`
          : `${account.email} can sign in again with the role ${ROLE_LABELS[account.role]}.`
      }
      confirmLabel={disabling ? 'Disable account' : 'Enable account'}
      tone={disabling ? 'danger' : 'primary'}
      pending={update.isPending}
      error={update.error?.message}
      onConfirm={() =>
        update.mutate(
          { id: account.id, body: { status: disabling ? 'disabled' : 'active' } },
          {
            onSuccess: (saved) => {
              toast.success(
                saved.status === 'active' ? 'Account enabled' : 'Account disabled',
                `${saved.displayName} (${saved.email})`,
              );
              onClose();
            },
          },
        )
      }
    />
  );
}

function ResetPasswordDialog({ account, onClose }: { account: Account | null; onClose: () => void }) {
  const reset = useMutation(resetPasswordMutationOptions());
  const [invite, setInvite] = useState<AccountInvite | null>(null);
  if (!account) return null;

  if (invite) {
    return (
      <Dialog
        open
        onClose={onClose}
        title="New set-password link"
        description={`${account.displayName} sets a new password with this link.`}
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
    <ConfirmDialog
      open
      onCancel={onClose}
      title={`Reset the password of ${account.displayName}?`}
      description={`${account.email} is signed out everywhere and gets a one-time link to set a new password. The current password keeps working until the new one is set.`}
      confirmLabel="Reset password"
      tone="danger"
      pending={reset.isPending}
      error={reset.error?.message}
      onConfirm={() =>
        reset.mutate(account.id, {
          onSuccess: (created) => {
            toast.success('Password reset', `Send ${created.account.displayName} the new link.`);
            setInvite(created);
          },
        })
      }
    />
  );
}
