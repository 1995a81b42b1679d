import { readRunContext } from '../../actions/lib/run-context.js';
import { readSlackInputs } from '../../actions/slack-notify/inputs.js';
import { applyLimits, buildDefaultMessage, escapeMrkdwn, truncate, LIMITS, type SlackMessage } from '../../actions/slack-notify/message.js';
import { substitutePlaceholders } from '../../actions/slack-notify/template.js';
import { join } from 'node:path';
import { repoRoot } from '../harness.js';

const inputs = (values: Record<string, string>) =>
  readSlackInputs(Object.fromEntries(Object.entries({ 'webhook-url': 'https://hooks.example/services/T/B/x', ...values }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])));

const context = (event: string, eventName: string, extra: Record<string, string> = {}) =>
  readRunContext({
    GITHUB_EVENT_PATH: join(repoRoot, 'test', 'fixtures', 'events', `${event}.json`),
    GITHUB_EVENT_NAME: eventName,
    GITHUB_REPOSITORY: 'sunday/app',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'Deploy',
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_NUMBER: '7',
    ...extra,
  });

const allText = (message: SlackMessage) => JSON.stringify(message);

describe('default message', () => {
  test('built from the run: title, coloured attachment, commit link, actor, run link, push commit message', async () => {
    const message = buildDefaultMessage(await inputs({ status: 'success', environment: 'production', version: 'v1.2.3', url: 'https://sunday.com' }), context('push-main', 'push'));
    expect(message.text).toBe('✅ Deploy success · sunday/app@main');
    expect(message.attachments?.[0].color).toBe('#2EB67D');
    const blocks = message.attachments![0].blocks!;
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Deploy success · sunday/app@main', emoji: true } });
    expect(blocks[1].text.text).toMatch(/^✅ \*success\*\n/);
    const text = allText(message);
    expect(text).toContain('<https://github.com/sunday/app/commit/0123456789abcdef0123456789abcdef01234567|0123456>');
    expect(text).toContain('*Actor*\\noctocat');
    expect(text).toContain('*Environment*\\nproduction');
    expect(text).toContain('<https://github.com/sunday/app/actions/runs/42|Deploy #7>');
    expect(text).toContain('"url":"https://sunday.com"');
    expect(text).toContain('Commit: ');
  });

  test('the pull request title on pull_request, the tag on release', async () => {
    expect(allText(buildDefaultMessage(await inputs({}), context('pull_request-opened', 'pull_request')))).toContain('Pull request <https://github.com/Codertocat/Hello-World/pull/2|#2 Update the README with new information.>');
    expect(allText(buildDefaultMessage(await inputs({}), context('release-published', 'release')))).toContain('Release <');
    expect(allText(buildDefaultMessage(await inputs({}), context('push-tag-v1.2.3', 'push', { GITHUB_REF_NAME: 'v1.2.3', GITHUB_REF_TYPE: 'tag' })))).toContain('Tag v1.2.3');
  });

  test('the mention is added only on failure', async () => {
    const failure = buildDefaultMessage(await inputs({ status: 'failure', 'mention-on-failure': '<!subteam^S123>' }), context('push-main', 'push'));
    expect(failure.text).toBe('<!subteam^S123> ❌ Deploy failure · sunday/app@main');
    const success = buildDefaultMessage(await inputs({ status: 'success', 'mention-on-failure': '<!subteam^S123>' }), context('push-main', 'push'));
    expect(allText(success)).not.toContain('subteam');
  });

  test('run text is escaped so a commit message cannot inject links or mentions', async () => {
    expect(escapeMrkdwn('fix <!channel> & <http://x|y>')).toBe('fix &lt;!channel&gt; &amp; &lt;http://x|y&gt;');
  });

  test("Slack's limits are kept by truncation", async () => {
    const long = buildDefaultMessage(await inputs({ status: 'success', title: 'x'.repeat(400), message: 'm'.repeat(5000), fields: Array.from({ length: 25 }, (_, i) => `K${i}: v`).join('\n') }), context('push-main', 'push'));
    const limited = applyLimits(long);
    const blocks = limited.attachments![0].blocks!;
    expect(Array.from(blocks[0].text.text as string)).toHaveLength(LIMITS.header);
    expect((blocks[0].text.text as string).endsWith('…')).toBe(true);
    expect(Array.from(blocks[1].text.text as string)).toHaveLength(LIMITS.sectionText);
    expect(blocks.filter((b) => b.fields).every((b) => b.fields.length <= 10)).toBe(true);
    const many = applyLimits({ text: 't', blocks: Array.from({ length: 70 }, () => ({ type: 'divider' })) });
    expect(many.blocks).toHaveLength(50);
    expect(truncate('🚀🚀🚀', 2)).toBe('🚀…');
  });
});

describe('payload placeholders', () => {
  test('substituted into string values after parsing, so quotes and newlines stay data', async () => {
    const env = { GITHUB_SHA: 'abc123', COMMIT_MESSAGE: 'fix "quotes"\nand newlines', 'INPUT_STATUS': 'failure' };
    const payload = { text: 'Deploy {{ inputs.status }} at {{github.sha}}', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '{{ env.COMMIT_MESSAGE }}' } }] };
    expect(substitutePlaceholders(payload, env)).toEqual({
      text: 'Deploy failure at abc123',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'fix "quotes"\nand newlines' } }],
    });
    expect(() => substitutePlaceholders('{{ github.nope }}', {})).toThrow("Input 'payload' uses {{ github.nope }}, which this job does not have (no GITHUB_NOPE)");
  });
});

describe('Web API URL', () => {
  const tokenInputs = (env: Record<string, string>, values: Record<string, string> = {}) =>
    readSlackInputs({
      ...env,
      ...Object.fromEntries(Object.entries({ token: 'xoxb-1-2-abc', channel: 'deploys', ...values }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    });

  test('api-url, else SLACK_API_URL, else Slack itself', async () => {
    const apiUrl = async (env: Record<string, string>, values?: Record<string, string>) => {
      const { transport } = await tokenInputs(env, values);
      return transport.kind === 'api' ? transport.apiUrl : undefined;
    };
    expect(await apiUrl({})).toBe('https://slack.com/api');
    expect(await apiUrl({ SLACK_API_URL: 'http://127.0.0.1:8080/api/' })).toBe('http://127.0.0.1:8080/api');
    expect(await apiUrl({ SLACK_API_URL: 'http://127.0.0.1:8080/api' }, { 'api-url': 'https://proxy.example/slack' })).toBe('https://proxy.example/slack');
  });

  test('a SLACK_API_URL that is no URL is an input error naming the variable', async () => {
    await expect(tokenInputs({ SLACK_API_URL: 'slack.internal' })).rejects.toThrow("Input 'api-url' is not given and the SLACK_API_URL environment variable is not an absolute http or https URL: 'slack.internal'");
  });
});

describe('placeholders never read secrets', () => {
  const env = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-secretvalue', INPUT_TOKEN: 'xoxb-1111-2222-secretvalue', NOTE: 'xoxb-1111-2222-secretvalue', PLAIN: 'ok', GITHUB_TOKEN: 'ghs_abcdefgh12345678' };
  test.each([
    ['{{ env.SLACK_BOT_TOKEN }}', 'env.SLACK_BOT_TOKEN'],
    ['{{ inputs.token }}', 'inputs.token'],
    ['{{ inputs.webhook-url }}', 'inputs.webhook-url'],
    ['{{ env.AWS_SECRET_ACCESS_KEY }}', 'env.AWS_SECRET_ACCESS_KEY'],
    ['{{ env.db_password }}', 'env.db_password'],
    ['{{ env.DEPLOY_KEY }}', 'env.DEPLOY_KEY'],
    ['{{ env.TEAMS_WEBHOOK }}', 'env.TEAMS_WEBHOOK'],
    ['{{ env.GCP_CREDENTIALS }}', 'env.GCP_CREDENTIALS'],
    ['{{ github.token }}', 'github.token'],
  ])('%p is refused by name, whether set or not', (text, placeholder) => {
    expect(() => substitutePlaceholders({ text }, env)).toThrow(
      `Input 'payload' uses {{ ${placeholder} }}, a secret: templates never read secrets (secret inputs, and variables whose names hold TOKEN, SECRET, PASSWORD, KEY, WEBHOOK or CREDENTIAL)`,
    );
  });

  test('a variable holding a known secret under another name is refused too; plain ones pass', () => {
    expect(() => substitutePlaceholders({ text: '{{ env.NOTE }}' }, env)).toThrow("Input 'payload' uses {{ env.NOTE }}, whose value holds a secret");
    expect(() => substitutePlaceholders({ text: '{{ env.NOTE }}' }, { NOTE: 'masked-elsewhere-123' }, ['masked-elsewhere-123'])).toThrow('whose value holds a secret');
    expect(substitutePlaceholders({ text: '{{ env.PLAIN }}' }, env)).toEqual({ text: 'ok' });
  });
});
