'use client';

import type { Deployment } from '@switchboard/contracts';
import { Skeleton } from '@/components/ui';
import { Table, Th } from '@/components/ui/table';
import { useNow } from '../hooks/use-now';
import { DEPLOYMENT_COLUMNS, DeploymentRow } from './deployment-row';
import styles from './deployments-table.module.css';

interface DeploymentsTableProps {
  /** `null` while the first page loads: skeleton rows of the final height. */
  deployments: Deployment[] | null;
  skeletonRows?: number;
  onEdit: (deployment: Deployment) => void;
  onDelete: (deployment: Deployment) => void;
  /** Without `config:write`: no switches, test, edit or delete; state only. */
  readOnly?: boolean;
}

function Head({ readOnly }: { readOnly: boolean }) {
  return (
    <thead>
      <tr>
        <Th className={styles.nameCell}>Deployment</Th>
        <Th>Model group</Th>
        <Th>State</Th>
        <Th>Usage / min</Th>
        <Th>Latency</Th>
        <Th>Enabled</Th>
        {readOnly ? null : (
          <Th>
            <span className="visually-hidden">Actions</span>
          </Th>
        )}
      </tr>
    </thead>
  );
}

export function DeploymentsTable({
  deployments,
  skeletonRows = 5,
  onEdit,
  onDelete,
  readOnly = false,
}: DeploymentsTableProps) {
  const columns = readOnly ? DEPLOYMENT_COLUMNS - 1 : DEPLOYMENT_COLUMNS;
  // Tick once a second only while some deployment is counting down its cooldown.
  const counting = deployments?.some((d) => d.state.status === 'cooling_down') ?? false;
  const now = useNow(counting);

  return (
    // Below a certain width (of the list, not the window) each row becomes a card with its actions in view.
    <div className={styles.container}>
      <Table caption="Deployments" captionHidden className={styles.table} aria-busy={deployments === null}>
        <Head readOnly={readOnly} />
        <tbody>
          {deployments === null
            ? Array.from({ length: skeletonRows }, (_, i) => (
                <tr key={i} className={styles.row} aria-hidden="true">
                  <th scope="row" className={styles.nameCell}>
                    <Skeleton width={150} height={14} />
                    <Skeleton width={110} height={12} className={styles.skeletonSub} />
                    <Skeleton width={130} height={12} className={styles.skeletonSub} />
                  </th>
                  {Array.from({ length: columns - 1 }, (_, c) => (
                    <td key={c}>
                      <Skeleton width={c === DEPLOYMENT_COLUMNS - 2 ? 110 : c === 4 ? 36 : 72} height={14} />
                    </td>
                  ))}
                </tr>
              ))
            : deployments.map((deployment) => (
                <DeploymentRow
                  key={deployment.id}
                  deployment={deployment}
                  now={now}
                  onEdit={onEdit}
                  onDelete={onDelete}
                  readOnly={readOnly}
                />
              ))}
        </tbody>
      </Table>
    </div>
  );
}
