import type { ImportPlan } from '@switchboard/contracts';
import { Badge, type BadgeTone } from '@/components/ui';
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

/** One row per item in the plan; updates list the fields that change. */
export function ImportPlanTable({ plan, caption }: { plan: ImportPlan; caption: string }) {
  if (plan.changes.length === 0) {
    return <p className={styles.none}>The config lists no model groups or deployments.</p>;
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
          {plan.changes.map((change) => (
            <tr key={`${change.kind}:${change.name}`} data-action={change.action}>
              <Td nowrap>
                <Badge tone={ACTION[change.action].tone}>{ACTION[change.action].label}</Badge>
              </Td>
              <Td>
                <span className={styles.name}>{change.name}</span>
                <span className={styles.kind}>{KIND[change.kind]}</span>
              </Td>
              <Td>
                {change.action === 'update' && change.fields.length > 0 ? (
                  <ul className={styles.fields} aria-label="Fields that change">
                    {change.fields.map((field) => (
                      <li key={field}>
                        <code>{field}</code>
                      </li>
                    ))}
                  </ul>
                ) : change.action === 'create' ? (
                  <span className={styles.muted}>new</span>
                ) : (
                  <span className={styles.muted}>—</span>
                )}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
