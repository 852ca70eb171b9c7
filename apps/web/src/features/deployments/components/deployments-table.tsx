'use client';

import type { Deployment } from '@switchboard/contracts';
import { Skeleton } from '@/components/ui';
import { Table, Th } from '@/components/ui/table';
import { TIME_RANGE_SPECS } from '@/components/ui/time-range';
import type { AttemptRange, AttemptsView } from '../attempts-health';
import { useNow } from '../hooks/use-now';
import { DEPLOYMENT_COLUMNS, DeploymentRow } from './deployment-row';
import styles from './deployments-table.module.css';

/** Below this width of the list (not the window's) each row is a card with its actions in view; the CSS's
 * table-only and four-column rules use the same width. */
const STACK_BELOW = 960;

interface DeploymentsTableProps {
  /** `null` while the first page loads: skeleton rows of the final height. */
  deployments: Deployment[] | null;
  attempts: AttemptsView;
  skeletonRows?: number;
  onEdit: (deployment: Deployment) => void;
  onDelete: (deployment: Deployment) => void;
  /** Without `config:write`: no switches, test, edit or delete; state only. */
  readOnly?: boolean;
}

function Head({ readOnly, range }: { readOnly: boolean; range: AttemptRange }) {
  return (
    <thead>
      <tr>
        <Th className={styles.nameCell}>Deployment</Th>
        <Th>Model group</Th>
        <Th>State</Th>
        <Th>
          Errors · {TIME_RANGE_SPECS[range].label}
          <span className="visually-hidden"> (all attempts, retries included)</span>
        </Th>
        <Th>
          Load<span className="visually-hidden"> (per minute, latency, in flight)</span>
        </Th>
        {/* "On" over the switches: a short header keeps every column beside the sidebar at 1280 px. */}
        <Th title="Enabled">
          <span aria-hidden="true">On</span>
          <span className="visually-hidden">Enabled</span>
        </Th>
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
  attempts,
  skeletonRows = 5,
  onEdit,
  onDelete,
  readOnly = false,
}: DeploymentsTableProps) {
  const columns = readOnly ? DEPLOYMENT_COLUMNS - 1 : DEPLOYMENT_COLUMNS;
  // Tick once a second while some deployment counts down its cooldown; else often enough for "3 min ago".
  const counting = deployments?.some((d) => d.state.status === 'cooling_down') ?? false;
  const now = useNow(true, counting ? 1_000 : 15_000);

  return (
    <div className={styles.container}>
      <Table
        caption="Deployments"
        captionHidden
        stackBelow={STACK_BELOW}
        className={styles.table}
        aria-busy={deployments === null}
      >
        <Head readOnly={readOnly} range={attempts.range} />
        <tbody>
          {deployments === null
            ? Array.from({ length: skeletonRows }, (_, i) => (
                <tr key={i} aria-hidden="true">
                  <th scope="row" className={styles.nameCell}>
                    <Skeleton width={150} height={14} />
                    <Skeleton width={110} height={12} className={styles.skeletonSub} />
                    <Skeleton width={130} height={12} className={styles.skeletonSub} />
                  </th>
                  {Array.from({ length: columns - 1 }, (_, c) => (
                    <td key={c}>
                      <Skeleton
                        width={c === DEPLOYMENT_COLUMNS - 2 ? 110 : c === DEPLOYMENT_COLUMNS - 3 ? 36 : 72}
                        height={14}
                      />
                    </td>
                  ))}
                </tr>
              ))
            : deployments.map((deployment) => (
                <DeploymentRow
                  key={deployment.id}
                  deployment={deployment}
                  now={now}
                  attempts={attempts}
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
