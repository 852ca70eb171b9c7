import Link from 'next/link';
import type { Route } from 'next';
import { Card, EmptyState } from '@/components/ui';
import { ArrowRightIcon, OverviewIcon } from '@/components/ui/icons';
import styles from './overview-placeholder.module.css';

// The metrics the Overview will chart, laid out now so the page keeps its shape when data arrives.
const metrics = [
  { label: 'Requests', unit: 'last 24 h' },
  { label: 'Tokens', unit: 'in + out, last 24 h' },
  { label: 'Spend', unit: 'USD, last 24 h' },
  { label: 'Error rate', unit: '%, last 24 h' },
] as const;

const setupSteps: { title: string; text: string; href: Route; cta: string }[] = [
  {
    title: 'Add a deployment',
    text: 'Connect an upstream model with its endpoint and API key.',
    href: '/deployments',
    cta: 'Deployments',
  },
  {
    title: 'Create a model group',
    text: 'Give clients one model name that routes across your deployments.',
    href: '/model-groups',
    cta: 'Model groups',
  },
  {
    title: 'Issue a key',
    text: 'Create a project and a virtual key, then hand the key to a client.',
    href: '/projects',
    cta: 'Projects & keys',
  },
];

export function OverviewPlaceholder() {
  return (
    <div className={styles.overview}>
      <ul className={styles.metrics} aria-label="Gateway metrics">
        {metrics.map((metric) => (
          <li key={metric.label}>
            <Card className={styles.metric}>
              <p className={styles.metricLabel}>{metric.label}</p>
              <p className={styles.metricValue} aria-label="No data yet">
                —
              </p>
              <p className={styles.metricUnit}>{metric.unit}</p>
            </Card>
          </li>
        ))}
      </ul>

      <EmptyState
        icon={<OverviewIcon size={22} />}
        title="No traffic to chart yet"
        description="Request volume, latency, token usage and spend per model group will appear here once clients send requests through the gateway."
      >
        <ol className={styles.steps}>
          {setupSteps.map((step, index) => (
            <li key={step.href} className={styles.step}>
              <span className={styles.stepNumber} aria-hidden="true">
                {index + 1}
              </span>
              <div className={styles.stepText}>
                <p className={styles.stepTitle}>{step.title}</p>
                <p className={styles.stepDescription}>{step.text}</p>
              </div>
              <Link href={step.href} className={styles.stepLink}>
                {step.cta}
                <ArrowRightIcon size={14} />
              </Link>
            </li>
          ))}
        </ol>
      </EmptyState>
    </div>
  );
}
