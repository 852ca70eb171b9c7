import { createTestApp, type TestApp } from '../testing/test-app';
import { seedRouting } from '../testing/seed';
import { logEntry, writeLogs } from '../usage/testing/usage-fixtures';
import { MetricsService } from './metrics.service';

describe('GET /metrics (real app)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedRouting(t, [
      { name: 'metrics-dep-a', modelGroup: 'metrics-group', apiBase: 'http://127.0.0.1:9' },
      { name: 'metrics-dep-b', modelGroup: 'metrics-group', apiBase: 'http://127.0.0.1:9' },
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('exposes request, upstream, cooldown and log-queue metrics in Prometheus text without auth', async () => {
    const metrics = t.app.get(MetricsService);
    metrics.requestStarted();
    metrics.requestStarted();
    metrics.requestFinished(
      logEntry({
        modelGroup: 'metrics-group',
        deploymentName: 'metrics-dep-b',
        status: 200,
        latencyMs: 1500,
        ttftMs: 300,
        attempts: [
          {
            deploymentId: 'a',
            deploymentName: 'metrics-dep-a',
            modelGroup: 'metrics-group',
            status: 429,
            errorKind: 'rate_limited',
            latencyMs: 20,
            startedAt: 0,
          },
          {
            deploymentId: 'b',
            deploymentName: 'metrics-dep-b',
            modelGroup: 'metrics-group',
            status: 200,
            errorKind: null,
            latencyMs: 1400,
            startedAt: 0,
          },
        ],
      }),
    );
    // A model name the router does not know must not become a label value.
    metrics.requestStarted();
    metrics.requestFinished(logEntry({ modelGroup: 'made-up-model-123', status: 404 }));
    await writeLogs(t, [logEntry(), logEntry()]);

    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of [
      'switchboard_requests_total',
      'switchboard_request_duration_seconds_bucket',
      'switchboard_time_to_first_token_seconds_bucket',
      'switchboard_upstream_attempts_total',
      'switchboard_in_flight_requests',
      'switchboard_deployment_cooldown',
      'switchboard_log_queue_depth',
      'switchboard_log_rows_dropped_total',
      'switchboard_log_rows_written_total',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name.replace(/_bucket$/, '')} `);
    }
    expect(text).toContain(
      'switchboard_requests_total{model_group="metrics-group",deployment="metrics-dep-b",status="200"} 1',
    );
    expect(text).toContain(
      'switchboard_requests_total{model_group="unknown",deployment="none",status="404"} 1',
    );
    expect(text).not.toContain('made-up-model-123');
    expect(text).toContain(
      'switchboard_upstream_attempts_total{deployment="metrics-dep-a",outcome="rate_limited"} 1',
    );
    expect(text).toContain(
      'switchboard_upstream_attempts_total{deployment="metrics-dep-b",outcome="success"} 1',
    );
    expect(text).toContain('switchboard_in_flight_requests 1');
    expect(text).toContain('switchboard_deployment_cooldown{deployment="metrics-dep-a"} 0');
    expect(text).toMatch(/switchboard_log_rows_written_total [1-9]\d*/);
    expect(text).toContain('switchboard_log_rows_dropped_total 0');
    expect(text).toContain('switchboard_log_queue_depth 0');
  });
});
