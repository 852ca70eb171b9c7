'use client';

import type { ApiToken } from '@switchboard/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import {
  Badge,
  Button,
  buttonClassName,
  Card,
  CardHeader,
  EmptyState,
  PageHeader,
  Skeleton,
} from '@/components/ui';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formatDate, formatDateTime, formatRelative } from '@/components/ui/format';
import { KeyIcon } from '@/components/ui/icons';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Table, Td, Th } from '@/components/ui/table';
import { toast } from '@/components/ui/toast';
import { QueryErrorState } from '@/components/ui/query-error-state';
import { callerName, ROLE_DESCRIPTIONS, ROLE_LABELS } from '@/features/auth/roles';
import type { Caller } from '@/features/auth/schemas';
import { can, useCaller } from '@/features/auth/use-caller';
import { PlusIcon } from '@/features/projects/components/projects-view';
import { myTokensQueryOptions, revokeTokenMutationOptions } from '../queries';
import { CreateTokenDialog } from './create-token-dialog';
import { PasswordAndSessions } from './password-and-sessions';
import styles from './me.module.css';

const KIND_LABELS: Readonly<Record<Caller['kind'], string>> = {
  account: 'Account session',
  'api-token': 'Personal API token',
  'master-key': 'Master key',
};

/** Who I am, how I signed in, and my personal admin API tokens. */
export function MyAccountView() {
  const { data: caller } = useCaller();
  // The dashboard's session guard renders pages only once the caller is known.
  if (!caller) return null;

  const masterKey = caller.kind === 'master-key';
  const account = caller.account;

  return (
    <>
      <PageHeader
        title="My account"
        description={
          masterKey ? 'How you are signed in.' : 'Who you are signed in as, and your personal API tokens.'
        }
      />
      <div className={styles.stack}>
        {masterKey ? (
          <InlineAlert
            tone="warn"
            title="Signed in with the master key (break-glass)"
            actions={
              can(caller, 'accounts:read') ? (
                <Link href="/accounts" className={buttonClassName({ size: 'sm' })}>
                  Go to accounts
                </Link>
              ) : null
            }
          >
            Create an account for day-to-day use; keep the master key for emergencies.
          </InlineAlert>
        ) : null}

        <Card>
          <CardHeader title="Profile" />
          <dl className={styles.facts}>
            <div>
              <dt>Name</dt>
              <dd>{callerName(caller)}</dd>
            </div>
            {account ? (
              <div>
                <dt>Email</dt>
                <dd>{account.email}</dd>
              </div>
            ) : null}
            <div>
              <dt>Role</dt>
              <dd>
                {ROLE_LABELS[caller.role]}
                {masterKey ? ' (master key)' : null}
                <p className={styles.roleHint}>{ROLE_DESCRIPTIONS[caller.role]}</p>
              </dd>
            </div>
            <div>
              <dt>Signed in with</dt>
              <dd>{KIND_LABELS[caller.kind]}</dd>
            </div>
            {account ? (
              <div>
                <dt>Sign-in methods</dt>
                <dd className={styles.badges}>
                  {account.hasPassword ? <Badge>Password</Badge> : null}
                  {account.ssoSubject ? <Badge tone="accent">SSO</Badge> : null}
                  {!account.hasPassword && !account.ssoSubject ? (
                    <span className={styles.muted}>None yet</span>
                  ) : null}
                </dd>
              </div>
            ) : null}
            {caller.role === 'project-member' ? (
              <div>
                <dt>Projects</dt>
                <dd>
                  {caller.projectIds && caller.projectIds.length > 0
                    ? `${caller.projectIds.length} ${caller.projectIds.length === 1 ? 'project' : 'projects'}`
                    : 'None yet: ask an administrator to add you to a project.'}
                </dd>
              </div>
            ) : null}
            {caller.expiresAt ? (
              <div>
                <dt>Session until</dt>
                <dd>
                  <time dateTime={caller.expiresAt}>{formatDateTime(caller.expiresAt)}</time>
                </dd>
              </div>
            ) : null}
          </dl>
        </Card>

        {account ? <PasswordAndSessions hasPassword={account.hasPassword} /> : null}
        {masterKey ? null : <MyTokens />}
      </div>
    </>
  );
}

function MyTokens() {
  const tokens = useQuery(myTokensQueryOptions());
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [dialogKey, setDialogKey] = useState(0);
  const [now] = useState(() => Date.now());
  const revoke = useMutation(revokeTokenMutationOptions());

  const openCreate = () => {
    setDialogKey((key) => key + 1);
    setCreating(true);
  };

  const createButton = (
    <Button variant="primary" size="sm" icon={<PlusIcon />} onClick={openCreate}>
      New token
    </Button>
  );

  return (
    <Card padding="none" className={styles.tableCard}>
      <div className={styles.tableHeader}>
        <CardHeader
          title="Personal API tokens"
          description="For scripts and CI calling the admin API. Each token can do what your role can."
          actions={tokens.data && tokens.data.length > 0 ? createButton : null}
        />
      </div>

      {tokens.isError ? (
        <QueryErrorState title="Could not load your tokens" query={tokens} />
      ) : tokens.isPending ? (
        <div aria-busy="true" className={styles.tableHeader}>
          <span className="visually-hidden" role="status">
            Loading tokens
          </span>
          <Skeleton width="100%" height={36} />
        </div>
      ) : tokens.data.length === 0 ? (
        <EmptyState
          icon={<KeyIcon size={22} />}
          title="No API tokens"
          description="Create one to call the admin API from a script: send it as Authorization: Bearer <token>."
          actions={createButton}
        />
      ) : (
        <Table caption="Personal API tokens" captionHidden stackBelow={640}>
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Token</Th>
              <Th>Expires</Th>
              <Th>Last used</Th>
              <Th>Created</Th>
              <Th align="end">
                <span className="visually-hidden">Actions</span>
              </Th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => {
              const expired = token.expiresAt !== null && new Date(token.expiresAt).getTime() <= now;
              return (
                <tr key={token.id}>
                  <Th scope="row" nowrap={false} stack="head">
                    <span id={`token-${token.id}`}>{token.name}</span>
                  </Th>
                  <Td mono nowrap data-label="Token" stack="full">
                    {token.hint}
                  </Td>
                  <Td nowrap data-label="Expires">
                    {token.expiresAt ? (
                      <>
                        <time dateTime={token.expiresAt} title={formatDateTime(token.expiresAt)}>
                          {formatDate(token.expiresAt)}
                        </time>
                        {expired ? (
                          <>
                            {' '}
                            <Badge tone="warn">Expired</Badge>
                          </>
                        ) : null}
                      </>
                    ) : (
                      'Never'
                    )}
                  </Td>
                  <Td nowrap muted data-label="Last used">
                    {token.lastUsedAt ? (
                      <time dateTime={token.lastUsedAt} title={formatDateTime(token.lastUsedAt)}>
                        {formatRelative(token.lastUsedAt, now)}
                      </time>
                    ) : (
                      'Never'
                    )}
                  </Td>
                  <Td nowrap muted data-label="Created">
                    {formatDate(token.createdAt)}
                  </Td>
                  <Td align="end" stack="end">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setRevoking(token)}
                      aria-describedby={`token-${token.id}`}
                    >
                      Revoke
                    </Button>
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}

      <CreateTokenDialog key={dialogKey} open={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={revoking !== null}
        onCancel={() => {
          setRevoking(null);
          revoke.reset();
        }}
        title={revoking ? `Revoke “${revoking.name}”?` : 'Revoke token?'}
        description="Scripts using this token stop working at once. This cannot be undone."
        confirmLabel="Revoke token"
        pending={revoke.isPending}
        error={revoke.error?.message}
        onConfirm={() => {
          if (!revoking) return;
          revoke.mutate(revoking.id, {
            onSuccess: () => {
              toast.success('Token revoked', `“${revoking.name}” no longer works.`);
              setRevoking(null);
            },
          });
        }}
      />
    </Card>
  );
}
