import { alertMessage, type AlertNotice, slackPayload, webhookPayload } from './alert-message';
import { redactUrl, webhookUrlHint } from './alert-url';

const at = new Date('2026-12-05T10:00:00.000Z');
const notice = (over: Partial<AlertNotice>): AlertNotice => ({
  state: 'firing',
  rule: { id: 'r1', name: 'primary down', kind: 'deployment.cooldown' },
  subject: { type: 'deployment', id: 'd1', name: 'gpt-a' },
  value: null,
  threshold: null,
  at,
  ...over,
});

describe('alert messages', () => {
  it('says what fired in one plain line, firing and resolved', () => {
    expect(alertMessage(notice({}))).toBe(
      '[Switchboard] FIRING rule "primary down": Deployment "gpt-a" is cooling down',
    );
    expect(alertMessage(notice({ state: 'resolved' }))).toBe(
      '[Switchboard] RESOLVED rule "primary down": Deployment "gpt-a" is back in rotation',
    );
  });

  it('error rates as percents with the window and the count; budgets in percent', () => {
    expect(
      alertMessage(
        notice({
          rule: { id: 'r2', name: 'errors', kind: 'group.error_rate' },
          subject: { type: 'model_group', id: 'gpt-4o', name: 'gpt-4o' },
          value: 0.2345,
          threshold: 0.2,
          windowMinutes: 5,
          requests: 40,
        }),
      ),
    ).toBe(
      '[Switchboard] FIRING rule "errors": Model group "gpt-4o": 23.5 % failed requests over 5 min, 40 counted; threshold 20 %',
    );
    expect(
      alertMessage(
        notice({
          rule: { id: 'r3', name: 'budget', kind: 'key.budget' },
          subject: { type: 'key', id: 'k', name: 'dify-bot' },
          value: 81.25,
          threshold: 80,
        }),
      ),
    ).toBe(
      '[Switchboard] FIRING rule "budget": Key "dify-bot" has spent 81.3 % of its budget; threshold 80 %',
    );
    expect(alertMessage(notice({ state: 'test', rule: null, subject: null, channelName: 'ops' }))).toMatch(
      /^\[Switchboard\] TEST: .*"ops"/,
    );
  });

  it('webhook and Slack bodies', () => {
    expect(webhookPayload(notice({}))).toEqual({
      event: 'switchboard.alert',
      state: 'firing',
      rule: { id: 'r1', name: 'primary down', kind: 'deployment.cooldown' },
      subject: { type: 'deployment', id: 'd1', name: 'gpt-a' },
      value: null,
      threshold: null,
      message: '[Switchboard] FIRING rule "primary down": Deployment "gpt-a" is cooling down',
      at: '2026-12-05T10:00:00.000Z',
    });
    expect(slackPayload(notice({}))).toEqual({
      text: '[Switchboard] FIRING rule "primary down": Deployment "gpt-a" is cooling down',
    });
  });

  it('a subject its rule stopped watching is resolved with the reason, not as "back in rotation"', () => {
    const retired = notice({ state: 'resolved', reason: 'rule_deleted' });
    expect(webhookPayload(retired)).toMatchObject({
      state: 'resolved',
      reason: 'rule_deleted',
      message:
        '[Switchboard] RESOLVED rule "primary down": Deployment "gpt-a" is no longer watched (the rule was deleted)',
    });
    expect(webhookPayload(notice({ state: 'resolved' }))).not.toHaveProperty('reason');
  });
});

describe('webhook URLs', () => {
  it('hint: scheme, host and the last 4 characters of the path (never the query)', () => {
    expect(webhookUrlHint('https://hooks.slack.com/services/T0/B0/xyzAbCd?token=1')).toBe(
      'https://hooks.slack.com/…AbCd',
    );
    expect(webhookUrlHint('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/…');
  });

  it('redaction takes out the path, the query and the whole URL', () => {
    const url = 'https://hooks.example.com/T0/B0/secretpath?token=abc';
    expect(redactUrl(`POST ${url} failed`, url)).toBe('POST [redacted] failed');
    expect(redactUrl('GET /T0/B0/secretpath?token=abc: 404', url)).toBe('GET [redacted]: 404');
    expect(redactUrl('token=abc leaked', url)).toBe('[redacted] leaked');
    expect(redactUrl('connect ECONNREFUSED 127.0.0.1:9', url)).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });
});
