/**
 * The analysis against a real Prometheus (Debian's 2.42, scraping every second): pods that serve
 * and export /metrics, a fixed volume of traffic, and the spec's own queries. Each scenario of the
 * analysis issue that needs no deploy: healthy, every 20th request failing, 3× slower than live,
 * Prometheus stopped mid-run, an empty query, and AMP through SigV4 with OIDC credentials.
 */
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assumeRoleWithOidc } from '../../actions/lib/aws/credentials.js';
import { instantQuery, type PrometheusTarget } from '../../actions/lib/analysis/prometheus.js';
import { runAnalysis, type AnalysisResult } from '../../actions/lib/analysis/run.js';
import { parseAnalysisSpec } from '../../actions/lib/analysis/spec.js';
import { analysisSummary } from '../../actions/lib/analysis/summary.js';
import { startAmpServer } from '../servers/amp/server.js';
import { paced } from '../deploy/traffic.js';
import { HttpMetrics, METRICS_CONTENT_TYPE } from '../servers/metrics.js';
import { startPrometheus, type PrometheusServer } from '../servers/prometheus/server.js';
import { startAwsWorld, MAIN_ROLE, type AwsWorld } from '../aws/fixtures/aws-world.js';

jest.setTimeout(60_000);

interface Pod {
  name: string;
  color: string;
  address: string;
  server: Server;
}

/**
 * A pod of the test ground in miniature: answers after `latencyMs`, every `errorEvery`th with 500.
 * It records its service time, `latencyMs`, not the wall time to the answer: that also holds the
 * jest worker's event-loop lag, which on a loaded CI machine pushed the 20 ms pod's p95 past 50 ms
 * and squeezed "3× slower" to a measured 1.6×. The analysis under test reads what the pods record.
 */
async function startPod(name: string, color: string, behaviour: { latencyMs?: number; errorEvery?: number } = {}): Promise<Pod> {
  const metrics = new HttpMetrics();
  let served = 0;
  const server = createServer((req, res) => {
    if (req.url === '/metrics') return void res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(metrics.render());
    const latencyMs = behaviour.latencyMs ?? 0;
    setTimeout(() => {
      served++;
      const code = behaviour.errorEvery && served % behaviour.errorEvery === 0 ? 500 : 200;
      res.writeHead(code).end(name);
      metrics.observe(req.method ?? 'GET', code, latencyMs / 1000);
    }, latencyMs);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { name, color, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A fixed volume of traffic: `perSecond` requests a second to each pod until stopped. */
function drive(pods: Pod[], perSecond = 40): () => void {
  return paced(perSecond, () => {
    for (const pod of pods) void fetch(`http://${pod.address}/`).then((r) => r.arrayBuffer(), () => undefined);
  });
}

let prometheus: PrometheusServer;
let pods: Pod[] = [];
let stopTraffic = () => {};

beforeEach(async () => {
  prometheus = await startPrometheus({ scrapeIntervalMs: 1000 });
});
afterEach(async () => {
  stopTraffic();
  await prometheus.stop();
  await Promise.all(pods.map((pod) => new Promise((done) => pod.server.close(done))));
  pods = [];
});

async function world(live: Parameters<typeof startPod>[2], canary: Parameters<typeof startPod>[2]): Promise<void> {
  pods = [await startPod('web-blue-1', 'blue', live), await startPod('web-green-1', 'green', canary)];
  prometheus.setTargets(pods.map((pod) => ({ targets: [pod.address], labels: { namespace: 'prod', pod: pod.name, color: pod.color } })));
  stopTraffic = drive(pods);
  await prometheus.scraped(pods.map((pod) => pod.name));
}

// `or vector(0)`: a pod with no 5xx has an error rate of 0, not "no data".
const ERROR_RATE = {
  name: 'error-rate',
  query:
    '(sum(rate(http_requests_total{namespace="{{namespace}}",pod=~"{{app}}-{{color}}-.*",code=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total{namespace="{{namespace}}",pod=~"{{app}}-{{color}}-.*"}[5s]))',
  success: '< 0.001',
};
const P95_VS_LIVE = {
  name: 'p95-vs-live',
  query: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{pod=~"{{app}}-{{color}}-.*"}[5s])))',
  baseline: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{pod=~"{{app}}-{{live-color}}-.*"}[5s])))',
  success: 'ratio <= 1.2',
};
const P95_ABSOLUTE = {
  name: 'p95',
  query: 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{pod=~"{{app}}-{{color}}-.*"}[5s])))',
  success: '< 0.2',
};
const values = { app: 'web', namespace: 'prod', color: 'green', 'live-color': 'blue', revision: '2' };

function analyse(document: Record<string, unknown>, target: PrometheusTarget): Promise<AnalysisResult> {
  const spec = parseAnalysisSpec('analysis', { interval: '1s', count: 3, 'initial-delay': '2s', ...document });
  return runAnalysis(spec, {
    values,
    query: (promql, time) => instantQuery(target, promql, time),
    now: Date.now,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  });
}

const plain = (): PrometheusTarget => ({ url: new URL(prometheus.url), auth: { kind: 'none' }, timeoutMs: 2000 });

test('a healthy canary passes every metric, measured against the live version', async () => {
  await world({ latencyMs: 20 }, { latencyMs: 20 });
  const result = await analyse({ metrics: [ERROR_RATE, P95_VS_LIVE] }, plain());
  expect(result).toMatchObject({ phase: 'successful' });
  expect(result.measurements.filter((m) => m.phase === 'successful')).toHaveLength(6);
  const errorRates = result.measurements.filter((m) => m.metric === 'error-rate').map((m) => m.value);
  expect(errorRates).toEqual([0, 0, 0]);
});

test('an image failing every 20th request fails error-rate at its first measurement', async () => {
  await world({}, { errorEvery: 20 });
  const result = await analyse({ metrics: [ERROR_RATE] }, plain());
  expect(result.phase).toBe('failed');
  expect(result.failedMetric).toBe('error-rate');
  expect(result.measurements).toHaveLength(1);
  // 1 in 20 is 0.05; the window may hold a partial cycle.
  expect(result.measurements[0].value).toBeGreaterThan(0.03);
  expect(result.reason).toMatch(/^error-rate: 0\.0\d+ is not < 0\.001 \(measurement 1 of 3; more than 0 failed measurements\)$/);
});

test('an image 3× slower than live fails p95-vs-live where an absolute threshold alone passes', async () => {
  await world({ latencyMs: 20 }, { latencyMs: 60 });
  const result = await analyse({ metrics: [P95_ABSOLUTE, P95_VS_LIVE] }, plain());
  expect(result).toMatchObject({ phase: 'failed', failedMetric: 'p95-vs-live' });
  const absolute = result.measurements.find((m) => m.metric === 'p95')!;
  expect(absolute.phase).toBe('successful');
  const ratio = result.measurements.find((m) => m.metric === 'p95-vs-live')!;
  expect(ratio.ratio).toBeGreaterThan(2);
  expect(result.reason).toContain('is a ratio of');
  const summary = analysisSummary('Analysis at 10 %', parseAnalysisSpec('analysis', { metrics: [P95_ABSOLUTE, P95_VS_LIVE] }), result);
  expect(summary).toContain('### Analysis at 10 %: failed: p95-vs-live:');
  expect(summary).toContain('| # | time (UTC) | value | baseline | ratio | result |');
  expect(summary).toContain('xychart-beta');
  expect(summary).toContain('line [1.2]');
});

test('Prometheus stopped mid-run ends in error after the consecutive-error limit', async () => {
  await world({}, {});
  const target = plain();
  const spec = parseAnalysisSpec('analysis', { interval: '1s', count: 8, 'initial-delay': '2s', 'consecutive-error-limit': 2, metrics: [ERROR_RATE] });
  const result = await runAnalysis(spec, {
    values,
    query: (promql, time) => instantQuery(target, promql, time),
    now: Date.now,
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    onMeasurement: (measurement) => {
      if (measurement.index === 2) void prometheus.stop({ keepData: true });
    },
  });
  expect(result.phase).toBe('error');
  expect(result.measurements.map((m) => m.phase)).toEqual(['successful', 'successful', 'error', 'error', 'error']);
  expect(result.reason).toMatch(/^error-rate: Prometheus at 127\.0\.0\.1:\d+ did not answer: connection refused \(measurement 5 of 8; more than 2 consecutive errors\)$/);
});

test('a query with no data is inconclusive once over the limit', async () => {
  await world({}, {});
  const result = await analyse({ 'inconclusive-limit': 1, metrics: [{ name: 'nothing', query: 'sum(rate(http_requests_total{pod="absent"}[5s]))', success: '< 1' }] }, plain());
  expect(result).toMatchObject({ phase: 'inconclusive', failedMetric: 'nothing' });
  expect(result.measurements.map((m) => m.message)).toEqual(['the query returned no data', 'the query returned no data']);
});

test('a query Prometheus refuses is an error with its own message', async () => {
  const outcome = await instantQuery(plain(), 'sum(rate(http_requests_total[5s]', Date.now() / 1000);
  expect(outcome).toMatchObject({ kind: 'error' });
  expect((outcome as { message: string }).message).toMatch(/^query failed \(bad_data: /);
});

describe('Amazon Managed Service for Prometheus through SigV4', () => {
  let aws: AwsWorld;
  beforeAll(async () => {
    aws = await startAwsWorld();
    Object.assign(process.env, aws.env);
    // @actions/core's OIDC client writes ::debug:: and ::add-mask:: lines to stdout.
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await aws.stop();
  });

  const quiet = { setSecret: () => {}, info: () => {}, sleep: async () => {} };

  test('passes with the OIDC credentials, and fails with a wrong region', async () => {
    await world({}, {});
    const amp = await startAmpServer({ prometheusUrl: prometheus.url, lookup: aws.sts.lookup, region: 'eu-west-1' });
    try {
      const { credentials } = await assumeRoleWithOidc({ roleArn: MAIN_ROLE, region: 'eu-west-1' }, quiet);
      const signed = (region: string): PrometheusTarget => ({ url: new URL(amp.workspaceUrl), auth: { kind: 'sigv4', region, credentials: async () => credentials }, timeoutMs: 2000 });
      const passed = await analyse({ count: 1, metrics: [ERROR_RATE] }, signed('eu-west-1'));
      expect(passed.phase).toBe('successful');
      expect(amp.requests.at(-1)).toMatchObject({ status: 200, accessKeyId: credentials.accessKeyId, region: 'eu-west-1' });

      const refused = await analyse({ count: 1, 'consecutive-error-limit': 0, metrics: [ERROR_RATE] }, signed('us-east-1'));
      expect(refused.phase).toBe('error');
      expect(refused.reason).toContain("HTTP 403");
      expect(amp.requests.at(-1)).toMatchObject({ status: 403, region: 'us-east-1' });
    } finally {
      await amp.stop();
    }
  });
});
