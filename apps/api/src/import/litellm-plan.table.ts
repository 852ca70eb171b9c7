import type { ImportPlan } from '@switchboard/contracts';

/** The plan as a terminal table (used by `npm run import:litellm`). */
export function formatImportPlan(plan: ImportPlan): string {
  const rows = plan.changes.map((c) => [c.action, c.kind, c.name, c.fields.join(', ')]);
  const header = ['ACTION', 'KIND', 'NAME', 'FIELDS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const { create, update, unchanged } = plan.summary;
  const out = [
    plan.dryRun ? 'Dry run: nothing was changed.' : 'Applied.',
    '',
    line(header),
    ...rows.map(line),
    '',
    plan.dryRun
      ? `${create} to create, ${update} to update, ${unchanged} unchanged.`
      : `${create} created, ${update} updated, ${unchanged} unchanged.`,
  ];
  if (plan.warnings.length > 0) out.push('', 'Warnings:', ...plan.warnings.map((w) => `  - ${w}`));
  if (plan.skipped.length > 0)
    out.push(
      '',
      'Skipped:',
      ...plan.skipped.map((d) => `  - deployment ${d.name} (${d.modelGroup}): ${d.reason}`),
    );
  return out.join('\n');
}
