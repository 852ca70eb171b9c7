import type { ImportPlan } from '@switchboard/contracts';
import { Badge, type BadgeTone } from '@/components/ui';
import { InlineAlert } from '@/components/ui/inline-alert';
import { Input } from '@/components/ui/input';
import { Table, Td, Th } from '@/components/ui/table';
import styles from './import-plan.module.css';

type Change = ImportPlan['changes'][number];

const ACTION: Record<Change['action'], { label: string; tone: BadgeTone }> = {
  create: { label: 'Create', tone: 'success' },
  update: { label: 'Update', tone: 'accent' },
  unchanged: { label: 'Unchanged', tone: 'neutral' },
};

const KIND: Record<Change['kind'], string> = {
  modelGroup: 'Model group',
  deployment: 'Deployment',
  masterKey: 'Master key',
};

/** `2 to create · 1 to update · 3 unchanged` (or "created" / "updated" once applied). */
export function PlanSummary({ plan }: { plan: ImportPlan }) {
  const { create, update, unchanged } = plan.summary;
  const done = !plan.dryRun;
  return (
    <span className={styles.summary}>
      <strong>{create}</strong> {done ? 'created' : 'to create'} · <strong>{update}</strong>{' '}
      {done ? 'updated' : 'to update'} · <strong>{unchanged}</strong> unchanged.
    </span>
  );
}

const FIELD_LABEL: Record<string, string> = {
  modelGroup: 'model group',
  apiBase: 'API base',
  apiKey: 'API key',
  apiVersion: 'API version',
  rpmLimit: 'RPM',
  tpmLimit: 'TPM',
  timeoutMs: 'timeout (ms)',
  numRetries: 'retries',
  allowedFails: 'allowed fails',
  cooldownSeconds: 'cooldown (s)',
  streamIdleTimeoutMs: 'stream idle timeout (ms)',
};

type FieldChange = Change['diff'][number];

/** `RPM 50 → 100`; a key is never shown, only that it is set or changes. */
function FieldLine({ change, created }: { change: FieldChange; created: boolean }) {
  const label = FIELD_LABEL[change.field] ?? change.field;
  if (change.field === 'apiKey') {
    return (
      <li>
        <code>{label}</code> {created ? 'set' : 'changes'}
      </li>
    );
  }
  return (
    <li>
      <code>{label}</code>{' '}
      {created ? (
        <span className={styles.after}>{change.after ?? '—'}</span>
      ) : (
        <>
          <span className={styles.before}>{change.before ?? '—'}</span> →{' '}
          <span className={styles.after}>{change.after ?? '—'}</span>
        </>
      )}
    </li>
  );
}

function ChangeDetails({ change }: { change: Change }) {
  if (change.action === 'unchanged') return <span className={styles.muted}>no change</span>;
  if (change.diff.length === 0) {
    if (change.action === 'create') return <span className={styles.muted}>new, with defaults</span>;
    return (
      <ul className={styles.fields} aria-label="Fields that change">
        {change.fields.map((field) => (
          <li key={field}>
            <code>{FIELD_LABEL[field] ?? field}</code>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <ul
      className={styles.diff}
      aria-label={change.action === 'create' ? 'Settings of the new item' : 'Fields that change'}
    >
      {change.diff.map((d) => (
        <FieldLine key={d.field} change={d} created={change.action === 'create'} />
      ))}
    </ul>
  );
}

export interface Renaming {
  /** Proposed name → the name the operator typed. */
  names: Record<string, string>;
  onRename: (proposed: string, name: string) => void;
}

/**
 * One row per item in the plan: updates list each changed field (before → after), creations what they
 * set. With `renaming`, deployments about to be created can be renamed before applying.
 */
export function ImportPlanTable({
  plan,
  caption,
  renaming,
}: {
  plan: ImportPlan;
  caption: string;
  renaming?: Renaming;
}) {
  if (plan.changes.length === 0) {
    return <p className={styles.none}>The config lists no model groups or deployments to import.</p>;
  }
  return (
    <div className={styles.wrap}>
      <Table caption={caption} captionHidden className={styles.table}>
        <thead>
          <tr>
            <Th>Action</Th>
            <Th>Item</Th>
            <Th>Changes</Th>
          </tr>
        </thead>
        <tbody>
          {plan.changes.map((change) => {
            const proposed = change.proposedName ?? change.name;
            // New deployments can be renamed; a renamed one stays editable, to undo a rename onto an existing name.
            const renamable =
              renaming &&
              change.kind === 'deployment' &&
              (change.action === 'create' || change.proposedName !== undefined);
            return (
              <tr key={`${change.kind}:${proposed}`} data-action={change.action}>
                <Td nowrap>
                  <Badge tone={ACTION[change.action].tone}>{ACTION[change.action].label}</Badge>
                </Td>
                <Td>
                  {renamable ? (
                    <Input
                      className={styles.rename}
                      aria-label={`Name of deployment ${proposed}`}
                      value={Object.hasOwn(renaming.names, proposed) ? renaming.names[proposed] : change.name}
                      spellCheck={false}
                      autoCapitalize="off"
                      onChange={(event) => renaming.onRename(proposed, event.target.value)}
                    />
                  ) : (
                    <span className={styles.name}>{change.name}</span>
                  )}
                  <span className={styles.kind}>
                    {KIND[change.kind]}
                    {change.modelGroup ? ` in ${change.modelGroup}` : ''}
                    {change.proposedName ? ` · named ${change.proposedName} in the file` : ''}
                  </span>
                </Td>
                <Td>
                  <ChangeDetails change={change} />
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
    </div>
  );
}

/** Variables the file references that were not supplied, and the deployments left out for them. */
export function UnresolvedVariables({ plan }: { plan: ImportPlan }) {
  if (plan.unresolved.length === 0) return null;
  return (
    <div className={styles.unresolved}>
      <InlineAlert
        tone="warn"
        title={`${plan.unresolved.length} ${plan.unresolved.length === 1 ? 'variable was' : 'variables were'} not supplied`}
      >
        <p>
          Add {plan.unresolved.length === 1 ? 'it' : 'them'} to the environment variables above and preview
          again. Deployments that need one are skipped; everything else imports.
        </p>
        <ul className={styles.warnList}>
          {plan.unresolved.map((u) => (
            <li key={u.variable}>
              <code>{u.variable}</code>
              {u.deployments.length > 0
                ? ` — needed by ${u.deployments.join(', ')} (skipped)`
                : u.paths.length > 0
                  ? ` — used by ${u.paths.join(', ')} (left unset)`
                  : ''}
            </li>
          ))}
        </ul>
      </InlineAlert>
    </div>
  );
}
