import { type ChartColorSlot, chartColorSlot } from '@switchboard/contracts';

/** The grey of "Other" (the groups past the ones a chart draws on their own). */
export const OTHER_CHART_COLOR = 'var(--chart-other)';

/**
 * The colour of a deployment's, project's or key's series: a function of its id alone, so it is the same
 * on every chart and after every refresh, whatever its rank. `null` (no entity) is drawn as "Other".
 */
export function entityChartColor(id: string | null, slots?: ReadonlyMap<string, ChartColorSlot>): string {
  const slot = (id !== null && slots?.get(id)) || chartColorSlot(id);
  return slot === 'other' ? OTHER_CHART_COLOR : `var(--chart-${slot})`;
}
