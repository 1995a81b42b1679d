/**
 * Behind a corporate proxy: the committed bundles, run as the runner runs them with HTTPS_PROXY,
 * HTTP_PROXY and NO_PROXY set, reach every outside service through the local proxy — undici
 * (smoke checks, Slack), Octokit (the Checks API), @actions/core (the OIDC token), the AWS SDK (STS,
 * EKS) and @kubernetes/client-node (the API server over TLS, and our own service-proxy checks).
 *
 * Every service is addressed by a `.test` name that only the proxy resolves: a client that ignored
 * the proxy could not even find its host. What NO_PROXY names is never seen by the proxy.
 */
import { jest } from '@jest/globals';
import { fetch as undiciFetch, ProxyAgent } from 'undici';
import { verifyEksToken } from '../../actions/lib/aws/eks-token.js';
import { runStep } from '../harness.js';
import { PRODUCTION_ROLE, startAwsWorld, type AwsWorld } from '../aws/fixtures/aws-world.js';
import { startStage, type Stage } from '../blue-green-deploy/fixture.js';
import { startEksServer, type EksServer } from '../servers/eks/server.js';
import { start as startGitHub, type GitHubServer } from '../servers/github/server.js';
import { startHttpTarget, type HttpTarget } from '../servers/http-target/server.js';
import { startProxy, type ProxyServer } from '../servers/proxy/server.js';
import { startSlackServer, type SlackServer } from '../servers/slack/server.js';
import { readyRepo, cleanUp } from '../validate-release/repo.js';

jest.setTimeout(60_000);

let proxy: ProxyServer;
let target: HttpTarget;

/** The same server under a name only the proxy resolves. */
const viaName = (url: string, name: string) => url.replace('127.0.0.1', name);
const port = (url: string) => new URL(url).port;

beforeAll(async () => {
  [proxy, target] = await Promise.all([startProxy(), startHttpTarget('v7')]);
});
afterAll(async () => {
  await Promise.all([proxy.stop(), target.stop()]);
  cleanUp();
});

const fast = { attempts: '1', timeout: '5s' };

describe('smoke-test (undici)', () => {
  test('a check goes through HTTP_PROXY; NO_PROXY and loopback go direct', async () => {
    const before = proxy.log.length;
    const app = viaName(target.url, 'app.test');
    const direct = viaName(target.url, 'direct.test');
    const r = await runStep('smoke-test', {
      inputs: { ...fast, url: `${app}/ok\n${direct}/ok\n${target.url}/healthz`, 'fail-on-error': 'false' },
      env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,.direct.test,direct.test' },
    });
    expect(r.exitCode).toBe(0);
    const results = JSON.parse(r.outputs.results) as { url: string; ok: boolean; status: number | null; error: string | null }[];
    expect(results.map((x) => [x.url, x.ok])).toEqual([
      [`${app}/ok`, true],
      [`${direct}/ok`, false],
      [`${target.url}/healthz`, true],
    ]);
    // NO_PROXY sent it direct: the runner's own resolver cannot find a `.test` name.
    expect(results[1].error).toContain('ENOTFOUND direct.test');
    const seen = proxy.log.slice(before);
    expect(seen.map((entry) => entry.authority)).toEqual([`app.test:${port(target.url)}`]);
    expect(seen.flatMap((entry) => entry.requests)).toEqual([`GET http://app.test:${port(target.url)}/ok`]);
    expect(target.requests.map((q) => q.path)).toEqual(expect.arrayContaining(['/ok', '/healthz']));
  });

  test('lower-case variables win, as the runner and @actions/http-client read them', async () => {
    const before = proxy.log.length;
    const r = await runStep('smoke-test', {
      inputs: { ...fast, url: `${viaName(target.url, 'app.test')}/ok` },
      env: { http_proxy: proxy.url, HTTP_PROXY: 'http://127.0.0.1:1' },
    });
    expect(r.errors).toEqual([]);
    expect(proxy.log.slice(before).map((entry) => entry.authority)).toEqual([`app.test:${port(target.url)}`]);
  });
});

describe('slack-notify (undici)', () => {
  let slack: SlackServer;
  beforeAll(async () => (slack = await startSlackServer()));
  afterAll(() => slack.stop());

  test('webhook and Web API calls go through the proxy', async () => {
    const before = proxy.log.length;
    const webhook = await runStep('slack-notify', {
      inputs: { 'webhook-url': viaName(slack.webhookUrl, 'hooks.slack.test'), status: 'success' },
      env: { HTTP_PROXY: proxy.url },
    });
    expect(webhook.errors).toEqual([]);
    const api = await runStep('slack-notify', {
      inputs: { token: slack.token, channel: 'deploys', 'api-url': viaName(slack.apiUrl, 'slack.test'), status: 'started' },
      env: { http_proxy: proxy.url },
    });
    expect(api.errors).toEqual([]);
    expect(api.outputs.ts).toBeTruthy();
    expect(slack.messages.length).toBeGreaterThanOrEqual(2);
    const lines = proxy.requestLines().slice(before);
    expect(lines).toEqual([
      `POST http://hooks.slack.test:${port(slack.url)}${new URL(slack.webhookUrl).pathname}`,
      `POST http://slack.test:${port(slack.url)}/api/chat.postMessage`,
    ]);
  });
});

describe('validate-release (Octokit)', () => {
  const TOKEN = 'ghs_proxyTest0123456789abcdefABCDEFghij';
  let github: GitHubServer;
  beforeAll(async () => (github = await startGitHub({ tokens: [TOKEN] })));
  afterAll(() => github.stop());

  test('the Checks API is read through the proxy', async () => {
    const { dir, sha } = readyRepo();
    github.addCheckRun('Codertocat/Hello-World', { name: 'build', head_sha: sha, conclusion: 'success' });
    const before = proxy.log.length;
    const r = await runStep('validate-release', {
      workspace: dir,
      eventFixture: 'push-tag-v1.2.3',
      githubToken: TOKEN,
      env: { GITHUB_API_URL: viaName(github.url, 'api.github.test'), HTTP_PROXY: proxy.url },
      inputs: { 'required-checks': 'build' },
    });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(proxy.log.slice(before).map((entry) => entry.authority)).toContain(`api.github.test:${port(github.url)}`);
    expect(proxy.requestLines().slice(before).some((line) => line.includes(`/repos/Codertocat/Hello-World/commits/${sha}/check-runs`))).toBe(true);
  });
});

describe('blue-green-deploy on EKS (OIDC token, AWS SDK, client-node, service-proxy checks)', () => {
  const CLUSTER = 'sunday-production';
  let world: AwsWorld;
  let eks: EksServer;
  let stage: Stage;

  beforeAll(async () => {
    world = await startAwsWorld();
    world.oidc.setClaims({ repository: 'sunday/app', environment: 'production' });
    const stsHost = `sts.test:${port(world.sts.url)}`;
    // The cluster's authenticator asks STS about the token at the name the token holds, which only the proxy resolves.
    const viaProxy = new ProxyAgent(proxy.url);
    const fetchViaProxy = ((url: URL, init: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: viaProxy })) as unknown as typeof fetch;
    stage = await startStage('emulator', {
      emulator: { tokenCheck: (token) => verifyEksToken(token, CLUSTER, { allowedHosts: [stsHost], fetch: fetchViaProxy }).then(() => true, () => false) },
    });
    eks = await startEksServer({
      lookup: (key) => world.sts.lookup(key),
      clusters: [{ name: CLUSTER, endpoint: viaName(stage.kube!.url, 'kube.test'), caData: Buffer.from(stage.kube!.caCert!).toString('base64') }],
    });
  });
  afterAll(async () => {
    await stage.stop();
    await eks.stop();
    await world.stop();
  });

  test('every call of the deploy goes through HTTPS_PROXY / HTTP_PROXY', async () => {
    const before = proxy.log.length;
    const oidcEnv = world.oidc.env();
    const r = await stage.deploy(
      { 'cluster-name': CLUSTER, 'aws-region': 'eu-west-1', 'role-to-assume': PRODUCTION_ROLE, kubeconfig: '', image: 'sunday/web:v1', checks: '- url: /healthz' },
      {
        env: {
          ...oidcEnv,
          ACTIONS_ID_TOKEN_REQUEST_URL: viaName(oidcEnv.ACTIONS_ID_TOKEN_REQUEST_URL, 'token.actions.test'),
          AWS_ENDPOINT_URL_STS: viaName(world.sts.url, 'sts.test'),
          AWS_ENDPOINT_URL_EKS: viaName(eks.url, 'eks.test'),
          HTTPS_PROXY: proxy.url,
          HTTP_PROXY: proxy.url,
        },
      },
    );
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'true' });
    const authorities = new Set(proxy.log.slice(before).map((entry) => entry.authority));
    expect([...authorities].sort()).toEqual(
      [
        `eks.test:${port(eks.url)}`,
        `kube.test:${port(stage.kube!.url)}`,
        `sts.test:${port(world.sts.url)}`,
        `token.actions.test:${port(oidcEnv.ACTIONS_ID_TOKEN_REQUEST_URL)}`,
      ].sort(),
    );
    // The TLS tunnel to the API server carried the deploy: many CONNECTs or one kept alive, never none.
    expect(proxy.log.slice(before).filter((entry) => entry.authority.startsWith('kube.test:') && entry.via === 'CONNECT').length).toBeGreaterThan(0);
    expect(stage.kube!.requests.some((q) => q.path.includes('/proxy/'))).toBe(true);
  });
});
