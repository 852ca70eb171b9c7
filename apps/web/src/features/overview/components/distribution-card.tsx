'use client';

import type { Distribution } from '@switchboard/contracts';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { Button, Card, Skeleton } from '@/components/ui';
import { formatCount, formatInteger, formatMs, formatPercent, formatUsd } from '@/components/ui/format';
import { FigureTd, Table, Td, Th } from '@/components/ui/table';
import { TIME_RANGE_SPECS, type TimeRange } from '@/components/ui/time-range';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { QueryErrorState } from '@/components/ui/query-error-state';
import type { StatsGroupBy } from '../api';
import { csvFilename, downloadCsv } from '../download-csv';
import { hasStatsFilter, type OverviewFilters, statsFilter } from '../filters';
import { distributionQueryOptions } from '../queries';
import { type ChartMetric, CHART_HEIGHT, DistributionChart, groupColor } from './distribution-chart';
import styles from './overview.module.css';

interface DistributionCardProps {
  filters: OverviewFilters;
  groupBy: StatsGroupBy;
}

const NOUNS: Record<StatsGroupBy, { one: string; title: string; all: string }> = {
  deployment: { one: 'deployment', title: 'Deployment', all: 'All deployments' },
  project: { one: 'project', title: 'Project', all: 'All projects' },
  key: { one: 'key', title: 'Key', all: 'All keys' },
  modelGroup: { one: 'model group', title: 'Model group', all: 'All model groups' },
};

const METRIC_OPTIONS = [
  { value: 'requests', label: 'Requests' },
  { value: 'tokens', label: 'Tokens' },
  { value: 'spend', label: 'Spend' },
] as const satisfies readonly { value: ChartMetric; label: string }[];
const METRIC_WORD: Record<ChartMetric, string> = { requests: 'Requests', tokens: 'Tokens', spend: 'Spend' };

const SKELETON_ROWS = 3;

/**
 * How traffic splits across deployments, projects, keys or model groups: a stacked chart over time of
 * requests, tokens or spend, and the numbers (downloadable as CSV, exactly as listed).
 */
export function DistributionCard({ filters, groupBy }: DistributionCardProps) {
  const { range } = filters;
  const query = useQuery(distributionQueryOptions(range, groupBy, statsFilter(filters)));
  const [metric, setMetric] = useState<ChartMetric>(groupBy === 'key' ? 'spend' : 'requests');
  const noun = NOUNS[groupBy];
  const headingId = `distribution-${groupBy}-heading`;
  const phrase = TIME_RANGE_SPECS[range].phrase;
  const filtered = hasStatsFilter(filters);

  return (
    <Card padding="none" className={styles.distribution} aria-labelledby={headingId}>
      <header className={styles.distributionHeader}>
        <div>
          <h2 id={headingId} className={styles.sectionTitle}>
            Traffic by {noun.one}
          </h2>
          <p className={styles.sectionDescription}>
            {METRIC_WORD[metric]} per {TIME_RANGE_SPECS[range].interval} in the {phrase}, stacked by{' '}
            {noun.one}
            {filtered ? ' (filtered)' : ''}.
          </p>
        </div>
        {query.isError && query.data ? (
          <span className={`${styles.live} ${styles.liveFailed}`} role="status">
            Update failed, retrying
          </span>
        ) : (
          <span className={styles.live} title="Refreshes every 5 seconds">
            <span
              className={`${styles.liveDot} ${query.isFetching ? '' : styles.liveDotIdle}`}
              aria-hidden="true"
            />
            Live
          </span>
        )}
      </header>

      <div className={styles.cardTools}>
        <SegmentedControl
          label={`Chart of traffic by ${noun.one}`}
          options={METRIC_OPTIONS}
          value={metric}
          onChange={setMetric}
        />
        <Button
          size="sm"
          variant="secondary"
          disabled={!query.data || query.data.groups.length === 0}
          onClick={() => query.data && downloadDistributionCsv(query.data, noun, range)}
        >
          Download CSV
        </Button>
      </div>

      {query.isError && !query.data ? (
        <div className={styles.distributionBody}>
          <QueryErrorState title={`Could not load traffic by ${noun.one}`} query={query} />
        </div>
      ) : !query.data ? (
        <DistributionSkeleton caption={`Requests by ${noun.one}`} groupTitle={noun.title} />
      ) : query.data.totals.requests === 0 ? (
        <div className={styles.distributionBody}>
          <div className={styles.emptyChart} style={{ height: CHART_HEIGHT }}>
            <p className={styles.emptyTitle}>
              No requests {filtered ? 'match these filters ' : ''}in the {phrase}
            </p>
            {filtered ? (
              <p className={styles.emptyText}>Clear or change the filters above to see more.</p>
            ) : (
              <p className={styles.emptyText}>
                Send requests through <code>/v1/chat/completions</code> with a virtual key and they show up
                here within seconds. Need a key?{' '}
                <Link href="/projects">Create one under Projects &amp; keys</Link>.
              </p>
            )}
          </div>
        </div>
      ) : (
        <>
          <div className={styles.distributionBody}>
            <DistributionChart distribution={query.data} groupNoun={noun.one} metric={metric} />
          </div>
          <DistributionTable distribution={query.data} noun={noun} />
        </>
      )}
    </Card>
  );
}

function DistributionTable({
  distribution,
  noun,
}: {
  distribution: Distribution;
  noun: (typeof NOUNS)[keyof typeof NOUNS];
}) {
  const totals = distribution.totals;
  return (
    <Table
      caption={`Requests by ${noun.one}`}
      captionHidden
      stackBelow={720}
      stackColumns={3}
      className={styles.distributionTable}
    >
      <thead>
        <DistributionHeaderRow groupTitle={noun.title} />
      </thead>
      <tbody>
        {distribution.groups.map((group, index) => (
          <tr key={group.key ?? `none-${index}`}>
            <Th scope="row" nowrap={false} className={styles.groupCell}>
              <span
                className={styles.swatch}
                style={{ background: groupColor(distribution, group, index) }}
                aria-hidden="true"
              />
              <span className={styles.groupLabel}>{group.label}</span>
            </Th>
            <FigureTd label="Requests">{formatInteger(group.totals.requests)}</FigureTd>
            <FigureTd label="Share">
              <span className={styles.share}>
                <span className={styles.shareBar} aria-hidden="true">
                  <span
                    className={styles.shareFill}
                    style={{
                      width: `${Math.round(group.totals.share * 100)}%`,
                      background: groupColor(distribution, group, index),
                    }}
                  />
                </span>
                {formatPercent(group.totals.share)}
              </span>
            </FigureTd>
            <FigureTd label="Errors" className={group.totals.errors > 0 ? styles.errorText : undefined}>
              {formatInteger(group.totals.errors)}
              {group.totals.requests > 0 && group.totals.errors > 0 ? (
                <span className={styles.muted}>
                  {' '}
                  ({formatPercent(group.totals.errors / group.totals.requests)})
                </span>
              ) : null}
            </FigureTd>
            <FigureTd label="Latency p50">{approxMs(group.totals.latencyP50Ms)}</FigureTd>
            <FigureTd label="Latency p95">{approxMs(group.totals.latencyP95Ms)}</FigureTd>
            <FigureTd label="Tokens">{formatCount(group.totals.totalTokens)}</FigureTd>
            <FigureTd label="Cost (USD)">{formatUsd(group.totals.costUsd)}</FigureTd>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <Th scope="row" className={styles.groupCell}>
            {noun.all}
          </Th>
          <FigureTd label="Requests">{formatInteger(totals.requests)}</FigureTd>
          <FigureTd label="Share">100 %</FigureTd>
          <FigureTd label="Errors">{formatInteger(totals.errors)}</FigureTd>
          <FigureTd label="Latency p50">{approxMs(totals.latencyP50Ms)}</FigureTd>
          <FigureTd label="Latency p95">{approxMs(totals.latencyP95Ms)}</FigureTd>
          <FigureTd label="Tokens">{formatCount(totals.totalTokens)}</FigureTd>
          <FigureTd label="Cost (USD)">{formatUsd(totals.costUsd)}</FigureTd>
        </tr>
      </tfoot>
    </Table>
  );
}

function DistributionSkeleton({ caption, groupTitle }: { caption: string; groupTitle: string }) {
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">
        Loading {caption.toLowerCase()}
      </span>
      {/* Same size as the loaded chart and table; inert until it holds data. */}
      <div inert>
        <div className={styles.distributionBody}>
          <Skeleton height={CHART_HEIGHT} radius="md" />
        </div>
        <Table caption={caption} captionHidden className={styles.distributionTable}>
          <thead>
            <DistributionHeaderRow groupTitle={groupTitle} />
          </thead>
          <tbody>
            {Array.from({ length: SKELETON_ROWS }, (_, row) => (
              <tr key={row}>
                {Array.from({ length: 1 + VALUE_COLUMNS.length }, (_, cell) => (
                  <Td key={cell}>
                    <Skeleton width={cell === 0 ? 120 : 56} height={12} />
                  </Td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </div>
  );
}

/** A percentile estimated from a histogram (within about 5 %). */
const approxMs = (ms: number | null): string => (ms === null ? formatMs(ms) : `≈ ${formatMs(ms)}`);

const VALUE_COLUMNS = ['Requests', 'Share', 'Errors', 'Latency p50', 'Latency p95', 'Tokens', 'Cost (USD)'];

/** The table head shared by the loaded table and its skeleton. */
function DistributionHeaderRow({ groupTitle }: { groupTitle: string }) {
  return (
    <tr>
      <Th>{groupTitle}</Th>
      {VALUE_COLUMNS.map((title) => (
        <Th key={title} align="end">
          {title}
        </Th>
      ))}
    </tr>
  );
}

/**
 * The table as listed (its groups in order, then the total row), as a CSV file: exact numbers, not the
 * rounded ones on screen.
 */
function downloadDistributionCsv(
  distribution: Distribution,
  noun: (typeof NOUNS)[keyof typeof NOUNS],
  range: TimeRange,
): void {
  const header = [noun.title, 'Id', 'Requests', 'Share', 'Errors', 'Latency p50 (ms)', 'Latency p95 (ms)'];
  header.push('Tokens', 'Cost (USD)');
  const row = (label: string, key: string | null, t: Distribution['totals'], share: number) => [
    label,
    key ?? '',
    t.requests,
    share,
    t.errors,
    t.latencyP50Ms,
    t.latencyP95Ms,
    t.totalTokens,
    t.costUsd,
  ];
  const rows = distribution.groups.map((g) => row(g.label, g.key, g.totals, g.totals.share));
  rows.push(row(noun.all, null, distribution.totals, 1));
  downloadCsv(csvFilename(noun.one.replace(' ', '-'), range), header, rows);
}
