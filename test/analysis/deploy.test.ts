/**
 * The deploy actions' bundles judged by a real Prometheus (Debian's 2.42, scraping every second):
 * the emulator's pods export /metrics, the test writes Prometheus's file_sd targets from the pods
 * (with namespace, pod and color labels) each time the pods change, and a fixed volume of traffic
 * flows through the stable Service while canary-deploy or blue-green-deploy runs.
 */
import { jest } from '@jest/globals';
import { findLeaks } from '../../runner/index.js';
import { PRODUCTION_ROLE, startAwsWorld, type AwsWorld } from '../aws/fixtures/aws-world.js';
import { startStage, type Stage } from '../blue-green-deploy/fixture.js';
import { request } from '../deploy/traffic.js';
import { startAmpServer, type AmpServer } from '../servers/amp/server.js';
import { startPrometheus, type PrometheusServer } from '../servers/prometheus/server.js';

jest.setTimeout(180_000);

const COLOR_LABEL = 'sunday.dev/color';

/** Prometheus's targets follow the pods: rewritten on every change a watch of the namespace's pods reports. */
function followPods(stage: Stage, prometheus: PrometheusServer): () => void {
  const sync = () => {
    const groups = stage.kube!.store.list('v1', 'Pod', 'default').flatMap((pod) => {
      const name = pod.metadata.name!;
      const url = stage.kube!.podUrl('default', name);
      const color = pod.metadata.labels?.[COLOR_LABEL];
      return url && color ? [{ targets: [new URL(url).host], labels: { namespace: 'default', pod: name, color } }] : [];
    });
    prometheus.setTargets(groups);
  };
  const watch = new AbortController();
  void (async () => {
    const response = await fetch(`${stage.kube!.url}/api/v1/namespaces/default/pods?watch=true`, { signal: watch.signal });
    sync();
    for await (const _event of response.body!) sync();
  })().catch(() => undefined);
  return () => watch.abort();
}

/** A fixed volume of traffic through the stable Service: `perSecond` requests, each on a new connection (so spread over the ready pods). */
function drive(url: string, perSecond: number): () => void {
  const timer = setInterval(() => void request(url).catch(() => undefined), 1000 / perSecond);
  return () => clearInterval(timer);
}

/** A fixed volume of traffic straight to the pods of one colour (a staged colour has no Service of its own), in turn. */
function driveColor(color: string, perSecond: number): () => void {
  let turn = 0;
  const timer = setInterval(() => {
    const urls = stage.kube!.store
      .list('v1', 'Pod', 'default')
      .filter((pod) => pod.metadata.labels?.[COLOR_LABEL] === color)
      .map((pod) => stage.kube!.podUrl('default', pod.metadata.name!))
      .filter((url): url is string => url !== undefined);
    if (urls.length) void request(urls[turn++ % urls.length]).catch(() => undefined);
  }, 1000 / perSecond);
  return () => clearInterval(timer);
}

// `or vector(0)`: pods with no 5xx have an error rate of 0, not "no data".
const ERROR_RATE = `- name: error-rate
    query: (sum(rate(http_requests_total{namespace="{{namespace}}",pod=~"{{app}}-{{color}}-.*",code=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total{namespace="{{namespace}}",pod=~"{{app}}-{{color}}-.*"}[5s]))
    success: "< 0.001"`;
// A pod's series appear with its first request, and rate() needs two scrapes of them: on a busy
// machine the first measurements may find no data yet, so two inconclusive ones are tolerated.
const SPEC = `interval: 1s\ncount: 4\ninitial-delay: 4s\ninconclusive-limit: 2\nmetrics:\n  ${ERROR_RATE}\n`;

let stage: Stage;
let prometheus: PrometheusServer;
let stops: Array<() => void> = [];

async function world(faultImages: Record<string, string>, replicas: number): Promise<void> {
  // The emulator alone, plain HTTP: Prometheus scrapes its pods, a watch follows them.
  stage = await startStage('emulator', { emulator: { faultImages: faultImages as never, strict: false } }, { replicas });
  prometheus = await startPrometheus({ scrapeIntervalMs: 1000 });
  stops.push(followPods(stage, prometheus));
}

async function withTraffic(): Promise<void> {
  stops.push(drive(await stage.kube!.serviceUrl('default', 'web'), 60));
}

afterEach(async () => {
  for (const stop of stops) stop();
  stops = [];
  await prometheus?.stop();
  await stage?.stop();
});

describe('canary-deploy', () => {
  test('a healthy canary passes its analysis at every step; the token never shows', async () => {
    await world({}, 4);
    expect((await stage.canary({ image: 'sunday/web:v1' })).outputs.result).toBe('promoted');
    await withTraffic();
    const token = 'prom-Tok3n-never-shown-4711';
    const r = await stage.canary({ image: 'sunday/web:v2', analysis: SPEC, 'prometheus-url': prometheus.url, 'prometheus-auth': 'bearer', 'prometheus-token': token });
    expect(r.errors).toEqual([]);
    expect(r.outputs).toMatchObject({ result: 'promoted', weight: '100', 'active-color': 'green', analysis: 'successful', 'analysis-failed-metric': '' });
    for (const row of ['| 25% | 1 | 3 | - | successful |', '| 50% | 2 | 2 | - | successful |', '| 100% | 4 | 0 | - | successful |']) expect(r.summary).toContain(row);
    for (const weight of [25, 50, 100]) expect(r.summary).toContain(`#### analysis at ${weight}%: successful`);
    expect(r.summary).toContain('| # | time (UTC) | value | result |');
    expect(r.stdout).toMatch(/analysis error-rate 4\/4: 0 < 0\.001 → successful/);
    expect(findLeaks(r.stdout + r.stderr, [token])).toEqual([]);
    expect(r.log).not.toContain(token);
    expect(r.summary).not.toContain(token);
  });

  test('an image failing every 20th request is aborted at its first step by error-rate; the old version serves', async () => {
    await world({ 'web:v3': 'errors:20' }, 4);
    expect((await stage.canary({ image: 'sunday/web:v1' })).outputs.result).toBe('promoted');
    await withTraffic();
    const r = await stage.canary({ image: 'sunday/web:v3', analysis: SPEC, 'prometheus-url': prometheus.url });
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ result: 'aborted', weight: '0', 'active-color': 'blue', analysis: 'failed', 'analysis-failed-metric': 'error-rate' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^Canary aborted at 25%: analysis failed: error-rate: 0\.\d+ is not < 0\.001 \(measurement [1-4] of 4; more than 0 failed measurements\) — blue serves every request$/);
    expect(r.summary).toContain('| 25% | 1 | 3 | - | failed |');
    expect(r.summary).toContain('#### analysis at 25%: failed: error-rate:');
    expect((await stage.service()).spec.selector).toEqual({ app: 'web', [COLOR_LABEL]: 'blue' });
    expect((await stage.deployment('web-green'))?.spec.replicas).toBe(0);
    expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(4);
  });
});

test('blue-green-deploy: a post-promotion analysis failure switches back; the old colour serves', async () => {
  await world({ 'web:v3': 'errors:20' }, 2);
  expect((await stage.deploy({ image: 'sunday/web:v1' })).outputs['active-color']).toBe('blue');
  await withTraffic();
  const before = (await stage.service()).metadata.annotations;
  const r = await stage.deploy({ image: 'sunday/web:v3', 'post-promotion-analysis': SPEC, 'prometheus-url': prometheus.url });
  expect(r.exitCode).toBe(1);
  expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'false', 'rolled-back': 'true', analysis: 'failed', 'analysis-failed-metric': 'error-rate', revision: '1' });
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toMatch(/^post-promotion-analysis failed: error-rate: 0\.\d+ is not < 0\.001 \(measurement [1-4] of 4; more than 0 failed measurements\) — traffic switched back to blue$/);
  expect(r.summary).toContain('#### post-promotion analysis: failed: error-rate:');
  expect((await stage.service()).spec.selector).toEqual({ app: 'web', [COLOR_LABEL]: 'blue' });
  expect((await stage.service()).metadata.annotations).toEqual(before);
  expect((await stage.deployment('web-blue'))?.spec.replicas).toBe(2);
  expect(await stage.serving()).toBe('v1');
});

test('blue-green-deploy: a pre-promotion analysis failure keeps traffic where it is; the switch never happens', async () => {
  await world({ 'web:v3': 'errors:20' }, 2);
  expect((await stage.deploy({ image: 'sunday/web:v1' })).outputs['active-color']).toBe('blue');
  await withTraffic();
  stops.push(driveColor('green', 30));
  const r = await stage.deploy({ image: 'sunday/web:v3', 'pre-promotion-analysis': SPEC, 'prometheus-url': prometheus.url });
  expect(r.exitCode).toBe(1);
  expect(r.outputs).toMatchObject({ 'active-color': 'blue', promoted: 'false', 'rolled-back': 'false', analysis: 'failed', 'analysis-failed-metric': 'error-rate' });
  expect(r.errors).toHaveLength(1);
  expect(r.errors[0]).toMatch(/^pre-promotion-analysis failed: error-rate: 0\.\d+ is not < 0\.001 \(measurement [1-4] of 4; more than 0 failed measurements\)$/);
  expect(r.summary).toContain('#### pre-promotion analysis: failed: error-rate:');
  expect(r.summary).not.toMatch(/\| switched \|/);
  expect((await stage.service()).spec.selector).toEqual({ app: 'web', [COLOR_LABEL]: 'blue' });
  const history = stage.kube!.store.get('v1', 'ConfigMap', 'default', 'web-deploy-history')!;
  expect(JSON.parse((history.data as Record<string, string>)['revision-2']).result).toBe('failed');
  expect(await stage.serving()).toBe('v1');
});

describe('Amazon Managed Service for Prometheus through SigV4, with the role of the job', () => {
  let aws: AwsWorld;
  let amp: AmpServer;
  beforeEach(async () => {
    aws = await startAwsWorld();
    aws.oidc.setClaims({ repository: 'sunday/app', environment: 'production' });
  });
  afterEach(async () => {
    await amp?.stop();
    await aws.stop();
  });

  test('canary-deploy on a kubeconfig cluster signs its queries with the OIDC credentials; a wrong region is an error that aborts', async () => {
    await world({}, 2);
    amp = await startAmpServer({ prometheusUrl: prometheus.url, lookup: aws.sts.lookup, region: 'eu-west-1' });
    expect((await stage.canary({ image: 'sunday/web:v1' })).outputs.result).toBe('promoted');
    await withTraffic();
    const inputs = { analysis: `consecutive-error-limit: 1\n${SPEC}`, 'prometheus-url': amp.workspaceUrl, 'prometheus-auth': 'sigv4', 'role-to-assume': PRODUCTION_ROLE, 'aws-region': 'eu-west-1' };
    const passed = await stage.canary({ ...inputs, image: 'sunday/web:v2' }, { env: aws.env });
    expect(passed.errors).toEqual([]);
    expect(passed.outputs).toMatchObject({ result: 'promoted', analysis: 'successful' });
    const signedBy = aws.sts.issued.at(-1)!.accessKeyId;
    expect(amp.requests.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(4);
    expect(amp.requests.every((r) => r.status === 200 && r.accessKeyId === signedBy && r.region === 'eu-west-1')).toBe(true);
    const secrets = [...aws.oidc.issued, ...aws.sts.issued.flatMap((c) => [c.secretAccessKey, c.sessionToken])];
    expect(findLeaks(passed.stdout + passed.stderr, secrets)).toEqual([]);

    const refused = await stage.canary({ ...inputs, image: 'sunday/web:v3', 'prometheus-region': 'us-east-1' }, { env: aws.env });
    expect(refused.exitCode).toBe(1);
    expect(refused.outputs).toMatchObject({ result: 'aborted', analysis: 'error', 'analysis-failed-metric': 'error-rate', 'active-color': 'green' });
    expect(refused.errors[0]).toMatch(/^Canary aborted at 50%: analysis error: error-rate: .*HTTP 403.* \(measurement 2 of 4; more than 1 consecutive errors\) — green serves every request$/);
    expect(amp.requests.at(-1)).toMatchObject({ status: 403, region: 'us-east-1' });
  });
});
