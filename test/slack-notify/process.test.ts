/** slack-notify's committed bundle, run as the runner runs it, against a local Slack. */
import { findLeaks } from '../../runner/index.js';
import { runStep } from '../harness.js';
import { startSlackServer, type SlackServer } from '../servers/slack/server.js';

let slack: SlackServer;
beforeAll(async () => (slack = await startSlackServer()));
afterAll(() => slack.stop());

const secretsOf = () => [slack.webhookUrl, new URL(slack.webhookUrl).pathname, slack.token];
const expectNoLeak = (r: { stdout: string; stderr: string; log: string; summary: string }) => {
  expect(findLeaks(r.stdout + '\n' + r.stderr, secretsOf())).toEqual([]);
  for (const secret of secretsOf()) expect(r.log + r.summary).not.toContain(secret);
};

test('webhook: the default message from a push, delivered once, secret never shown', async () => {
  const before = slack.messages.length;
  const r = await runStep('slack-notify', {
    eventFixture: 'push-main',
    context: { workflow: 'Deploy' },
    inputs: { 'webhook-url': slack.webhookUrl, status: 'success', environment: 'staging' },
  });
  expect(r.errors).toEqual([]);
  expect(r.exitCode).toBe(0);
  expect(r.outputs).toEqual({ ok: 'true', ts: '', 'thread-ts': '', channel: '' });
  expect(slack.messages.length).toBe(before + 1);
  const sent = slack.messages.at(-1)!;
  expect(sent.text).toBe('✅ Deploy success · Codertocat/Hello-World@main');
  expect((sent.attachments as Array<{ blocks: Array<{ text: { text: string } }> }>)[0].blocks[0].text.text).toBe('Deploy success · Codertocat/Hello-World@main');
  expect(JSON.stringify(sent.attachments)).toContain('*Environment*\\nstaging');
  expectNoLeak(r);
});

test('the webhook URL may come from SLACK_WEBHOOK_URL', async () => {
  const r = await runStep('slack-notify', { env: { SLACK_WEBHOOK_URL: slack.webhookUrl }, inputs: { status: 'started' } });
  expect([r.exitCode, r.outputs.ok]).toEqual([0, 'true']);
  expectNoLeak(r);
});

test('token: post a started message, reply in its thread, then update the same message', async () => {
  const common = { token: slack.token, channel: 'deploys', 'api-url': slack.apiUrl };
  const started = await runStep('slack-notify', { inputs: { ...common, status: 'started' } });
  expect(started.exitCode).toBe(0);
  expect(started.outputs).toMatchObject({ ok: 'true', channel: 'C0DEPLOYS01' });
  const ts = started.outputs.ts;
  expect(ts).toMatch(/^\d+\.\d+$/);
  expect(started.outputs['thread-ts']).toBe(ts);

  const reply = await runStep('slack-notify', { inputs: { ...common, 'thread-ts': ts, message: 'canary healthy' } });
  expect(reply.outputs).toMatchObject({ ok: 'true', 'thread-ts': ts });
  expect(slack.messages.find((m) => m.ts === reply.outputs.ts)?.thread_ts).toBe(ts);

  const count = slack.messages.length;
  const updated = await runStep('slack-notify', { inputs: { ...common, 'update-ts': ts, status: 'success' } });
  expect(updated.outputs).toMatchObject({ ok: 'true', ts });
  expect(slack.messages.length).toBe(count);
  expect(slack.messages.find((m) => m.ts === ts)?.text).toMatch(/^✅ /);
  expect(slack.requests.at(-1)!.path).toBe('/api/chat.update');
  for (const r of [started, reply, updated]) expectNoLeak(r);
});

test('429 with Retry-After is waited out, then delivered', async () => {
  const path = new URL(slack.webhookUrl).pathname;
  slack.fail(path, 1, 429, 'rate_limited', { 'retry-after': '1' });
  const started = Date.now();
  const r = await runStep('slack-notify', { inputs: { 'webhook-url': slack.webhookUrl, status: 'success' } });
  expect([r.exitCode, r.outputs.ok]).toEqual([0, 'true']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(r.stdout).toContain('Slack answered HTTP 429; retry 1 of 3');
});

test('5xx beyond the retries: a warning and exit 0 by default, a failure with fail-on-error', async () => {
  slack.fail('/api/chat.postMessage', 2, 503, '{"ok":false,"error":"service_unavailable"}');
  const warned = await runStep('slack-notify', { inputs: { token: slack.token, channel: 'deploys', 'api-url': slack.apiUrl, retries: '1', status: 'failure' } });
  expect(warned.exitCode).toBe(0);
  expect(warned.outputs.ok).toBe('false');
  expect(warned.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
    'Slack notification was not delivered: chat.postMessage: service_unavailable (HTTP 503) (fail-on-error is false, so the step goes on)',
  ]);

  const failed = await runStep('slack-notify', { inputs: { token: slack.token, channel: 'nowhere', 'api-url': slack.apiUrl, 'fail-on-error': 'true', status: 'failure' } });
  expect(failed.exitCode).toBe(1);
  expect(failed.errors).toEqual(['Slack notification was not delivered: chat.postMessage: channel_not_found (HTTP 200)']);
});

test('Slack error codes are reported: invalid_auth, message_not_found, no_service', async () => {
  const badToken = 'xoxb-wrong-token-000';
  const auth = await runStep('slack-notify', { inputs: { token: badToken, channel: 'deploys', 'api-url': slack.apiUrl, status: 'success' } });
  expect(auth.annotations.find((a) => a.level === 'warning')?.message).toContain('chat.postMessage: invalid_auth');
  expect(findLeaks(auth.stdout, [badToken])).toEqual([]);
  const update = await runStep('slack-notify', { inputs: { token: slack.token, channel: 'deploys', 'api-url': slack.apiUrl, 'update-ts': '1.000000', status: 'success' } });
  expect(update.annotations.find((a) => a.level === 'warning')?.message).toContain('chat.update: message_not_found');
  const noService = await runStep('slack-notify', { inputs: { 'webhook-url': `${slack.url}/services/T/B/unknown`, status: 'success' } });
  expect(noService.annotations.find((a) => a.level === 'warning')?.message).toBe(
    'Slack notification was not delivered: no_service (HTTP 404) (fail-on-error is false, so the step goes on)',
  );
});

test('github.event.* placeholders read the event payload', async () => {
  const r = await runStep('slack-notify', {
    eventFixture: 'push-main',
    inputs: { 'webhook-url': slack.webhookUrl, payload: '{"text": "{{ github.event.head_commit.message }} by {{ github.event.pusher.name }}"}' },
  });
  expect(r.errors).toEqual([]);
  expect(slack.requests.at(-1)!.json.text).toMatch(/^.+ by Codertocat$/);
  const missing = await runStep('slack-notify', { eventFixture: 'push-main', inputs: { 'webhook-url': slack.webhookUrl, payload: '{"text": "{{ github.event.nope.deeper }}"}' } });
  expect(missing.errors).toEqual(["Input 'payload' uses {{ github.event.nope.deeper }}, which this event's payload does not have"]);
});

test('a payload file with placeholders keeps quotes and newlines of the commit message as data', async () => {
  const r = await runStep('slack-notify', {
    env: { COMMIT_MESSAGE: 'fix: "quoted"\nsecond line' },
    context: { sha: 'feedfacefeedfacefeedfacefeedfacefeedface' },
    inputs: {
      'webhook-url': slack.webhookUrl,
      status: 'success',
      payload: 'text: "{{ inputs.status }} {{ github.sha }}"\nblocks:\n  - type: section\n    text: { type: mrkdwn, text: "{{ env.COMMIT_MESSAGE }}" }\n',
    },
  });
  expect(r.exitCode).toBe(0);
  const body = slack.requests.at(-1)!.json;
  expect(body.text).toBe('success feedfacefeedfacefeedfacefeedfacefeedface');
  expect(body.blocks[0].text.text).toBe('fix: "quoted"\nsecond line');
});

test('a very long title and message are truncated to what Slack accepts', async () => {
  const r = await runStep('slack-notify', { inputs: { 'webhook-url': slack.webhookUrl, status: 'warning', title: 'T'.repeat(500), message: 'M'.repeat(4000) } });
  expect([r.exitCode, r.outputs.ok]).toEqual([0, 'true']);
  const header = slack.requests.at(-1)!.json.attachments[0].blocks[0].text.text as string;
  expect(Array.from(header)).toHaveLength(150);
  expect(header).toBe('T'.repeat(149) + '…');
});

test.each([
  [{ 'webhook-url': 'https://h/services/x', token: 'xoxb-1' }, "Input 'webhook-url' and input 'token' cannot both be given: use exactly one"],
  [{}, "Input 'webhook-url' or input 'token' is required (or the SLACK_WEBHOOK_URL / SLACK_BOT_TOKEN environment variable)"],
  [{ token: 'xoxb-1' }, "Input 'channel' is required with input 'token' (a channel ID such as C0123456789, or a name)"],
  [{ 'webhook-url': 'https://h/services/x', 'thread-ts': '1.2' }, "Input 'thread-ts' needs input 'token': incoming webhooks cannot reply in threads"],
  [{ 'webhook-url': 'https://h/services/x', status: 'great' }, "Input 'status' must be one of success, failure, cancelled, skipped, started, warning"],
  [{ 'webhook-url': 'hooks/services/T/B/secretpart' }, "Input 'webhook-url' must be an absolute https or http URL"],
  [{ 'webhook-url': 'https://h/services/x', payload: '{"text": ' }, /^Input 'payload' must be valid YAML or JSON/],
  [{ 'webhook-url': 'https://h/services/x', retries: '-1' }, "Input 'retries' must be a whole number from 0 to 10"],
])('invalid input %p fails the step even with fail-on-error false', async (inputs, message) => {
  const r = await runStep('slack-notify', { inputs: { ...inputs, 'fail-on-error': 'false' } });
  expect(r.exitCode).toBe(1);
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toContain('secretpart');
});

describe('secrets never reach the channel or the summary', () => {
  test.each([
    [{ payload: '{"text": "token {{ env.SLACK_BOT_TOKEN }}"}' }, "Input 'payload' uses {{ env.SLACK_BOT_TOKEN }}, a secret"],
    [{ payload: '{"text": "token {{ inputs.token }}"}' }, "Input 'payload' uses {{ inputs.token }}, a secret"],
    [{ message: 'leak: @TOKEN@' }, "Input 'message' holds a secret (the Slack token or webhook URL, or the value of a variable named like a secret); it would be posted to the channel"],
    [{ fields: 'Token: @TOKEN@' }, "Input 'fields' holds a secret"],
  ])('%j is one input error; nothing is posted', async (inputs, message) => {
    const before = slack.requests.length;
    const given = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.replace('@TOKEN@', slack.token)]));
    const r = await runStep('slack-notify', { env: { SLACK_BOT_TOKEN: slack.token }, inputs: { channel: 'deploys', 'api-url': slack.apiUrl, ...given } });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(message);
    expect(slack.requests.length).toBe(before);
    expect(r.stdout + r.summary).not.toContain(slack.token);
  });
});
