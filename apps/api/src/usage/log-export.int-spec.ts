import { requestLogPageSchema } from '@switchboard/contracts';
import { createTestApp, type TestApp } from '../testing/test-app';
import { EXPORT_COLUMNS } from './log-export';
import { logEntry, seedOwners, writeLogs } from './testing/usage-fixtures';

/** Issue #12 item 10: logs searched by request id and error text, and the filtered range exported. */
describe('request log search and export (real PostgreSQL)', () => {
  let t: TestApp;
  const base = Date.parse('2025-08-01T12:00:00.000Z');
  const range = { from: '2025-08-01T12:00:00.000Z', to: '2025-08-01T13:00:00.000Z' };
  // What an attacker controls: the text of an upstream error a request provoked.
  const hostile = '=HYPERLINK("http://evil.test","click"), with "quotes"\nand a new line';

  beforeAll(async () => {
    t = await createTestApp();
    const owners = await seedOwners(t.db, { projects: 1, keys: 1, deployments: [{ modelGroup: 'export' }] });
    const [dep] = owners.deployments;
    await writeLogs(
      t,
      Array.from({ length: 1205 }, (_, i) =>
        logEntry({
          createdAt: new Date(base + i * 1000),
          requestId: `export-req-${i}`,
          modelGroup: 'export',
          deploymentId: dep!.id,
          deploymentName: dep!.name,
          projectId: owners.projects[0]!.id,
          keyId: owners.keys[0]!.id,
          status: i % 100 === 7 ? 502 : 200,
          errorType: i % 100 === 7 ? 'upstream_error' : null,
          errorMessage: i === 7 ? hostile : i % 100 === 7 ? 'Upstream Timeout after 30 s' : null,
        }),
      ),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const get = (path: string, query: Record<string, string>) =>
    fetch(`${t.url}${path}?${new URLSearchParams(query)}`, { headers: t.adminHeaders });

  it('finds a request by its id and by text in its error, case-insensitively', async () => {
    const byId = requestLogPageSchema.parse(
      await (await get('/api/logs', { ...range, requestId: 'export-req-42' })).json(),
    );
    expect(byId.data.map((l) => l.requestId)).toEqual(['export-req-42']);

    const byText = requestLogPageSchema.parse(
      await (await get('/api/logs', { ...range, q: 'upstream timeout', limit: '500' })).json(),
    );
    expect(byText.data.map((l) => l.requestId).sort()).toEqual(
      [
        'export-req-107',
        'export-req-207',
        'export-req-307',
        'export-req-407',
        'export-req-507',
        'export-req-607',
        'export-req-707',
        'export-req-807',
        'export-req-907',
        'export-req-1007',
        'export-req-1107',
      ].sort(),
    );
    const tooLong = await get('/api/logs', { q: 'x'.repeat(201) });
    expect(tooLong.status).toBe(400);
  });

  it('exports the whole filtered range as CSV, across pages, with formulas neutralised', async () => {
    const res = await get('/api/logs/export', { ...range, modelGroup: 'export' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="switchboard-logs-.*\.csv"$/,
    );
    const text = await res.text();
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    // Every row of the range (one a second for 20 minutes): more than one export page.
    expect(text.match(/export-req-\d+/g)).toHaveLength(1205);
    const row7 = lines.findIndex((l) => l.includes('export-req-7,'));
    expect(row7).toBeGreaterThan(0);
    // The hostile message is one quoted cell that starts with an apostrophe, quotes doubled.
    expect(text).toContain(`"'=HYPERLINK(""http://evil.test"",""click""), with ""quotes""\nand a new line"`);
  });

  it('exports JSON lines with the same filters, and refuses bad input with a 400', async () => {
    const res = await get('/api/logs/export', { ...range, format: 'jsonl', status: 'error' });
    expect(res.status).toBe(200);
    const rows = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: number; requestId: string });
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.status === 502)).toBe(true);
    expect((await get('/api/logs/export', { format: 'xlsx' })).status).toBe(400);
    const anonymous = await fetch(`${t.url}/api/logs/export`);
    expect(anonymous.status).toBe(401);
  });
});
