/** The analysis spec: defaults, and one input error naming the field for every mistake. */
import { parseAnalysisSpec } from '../../actions/lib/analysis/spec.js';
import { parseCondition, holds } from '../../actions/lib/analysis/condition.js';
import { fillQuery } from '../../actions/lib/analysis/template.js';
import { readPrometheusAccess } from '../../actions/lib/analysis/inputs.js';

const metric = { name: 'error-rate', query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))', success: '< 0.001' };

test('defaults are Argo Rollouts’ where it has one', () => {
  expect(parseAnalysisSpec('analysis', { metrics: [metric] })).toEqual({
    prometheus: undefined,
    intervalMs: 30_000,
    count: 5,
    initialDelayMs: 0,
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: 4,
    metrics: [{ name: 'error-rate', query: metric.query, baseline: undefined, success: { operator: '<', threshold: 0.001, ratio: false } }],
  });
});

test('the issue’s example spec parses as written', () => {
  const spec = parseAnalysisSpec('analysis', {
    prometheus: 'https://prometheus.monitoring.svc:9090',
    interval: '30s',
    count: 5,
    'initial-delay': '30s',
    'failure-limit': 0,
    'inconclusive-limit': 1,
    'consecutive-error-limit': 3,
    metrics: [
      metric,
      { name: 'p95-vs-live', query: 'histogram_quantile(0.95, x{pod=~"{{app}}-{{color}}-.*"})', baseline: 'histogram_quantile(0.95, x{pod=~"{{app}}-{{live-color}}-.*"})', success: 'ratio <= 1.2' },
    ],
  });
  expect(spec).toMatchObject({ intervalMs: 30_000, initialDelayMs: 30_000, inconclusiveLimit: 1, consecutiveErrorLimit: 3 });
  expect(spec.prometheus?.href).toBe('https://prometheus.monitoring.svc:9090/');
  expect(spec.metrics[1].success).toEqual({ operator: '<=', threshold: 1.2, ratio: true });
});

test.each([
  ['not a map', ['x'], "Input 'analysis' must be a YAML or JSON map"],
  ['an unknown field', { metrics: [metric], intervall: '1s' }, "Input 'analysis' intervall: is not a field of the analysis spec"],
  ['no metrics', { count: 3 }, "Input 'analysis' metrics: must be a non-empty list"],
  ['a bad prometheus URL', { prometheus: 'prometheus:9090', metrics: [metric] }, "Input 'analysis' prometheus: must be an absolute http(s) URL"],
  ['a bad interval', { interval: 'soon', metrics: [metric] }, "Input 'analysis' interval: must be a duration"],
  ['an interval under 1s', { interval: '500ms', metrics: [metric] }, "Input 'analysis' interval: must be from 1s to 24h"],
  ['a count of 0', { count: 0, metrics: [metric] }, "Input 'analysis' count: must be a whole number from 1 to 1000"],
  ['a run over a day', { interval: '1h', count: 30, metrics: [metric] }, "Input 'analysis' count: times interval"],
  ['a negative limit', { 'failure-limit': -1, metrics: [metric] }, "Input 'analysis' failure-limit: must be a whole number from 0 to 5"],
  ['a metric without query', { metrics: [{ name: 'a', success: '< 1' }] }, "Input 'analysis' metrics[0].query: must be a PromQL query"],
  ['a metric with a bad name', { metrics: [{ ...metric, name: 'error rate' }] }, "Input 'analysis' metrics[0].name: must be a name"],
  ['an unknown metric field', { metrics: [{ ...metric, threshold: 1 }] }, "Input 'analysis' metrics[0].threshold: is not a field of a metric"],
  ['a bad condition', { metrics: [{ ...metric, success: 'below 1' }] }, "Input 'analysis' metrics[0].success: must be a condition"],
  ['no condition', { metrics: [{ name: 'a', query: 'up' }] }, "Input 'analysis' metrics[0].success: is required"],
  ['a ratio without baseline', { metrics: [{ ...metric, success: 'ratio < 2' }] }, "Input 'analysis' metrics[0].baseline: is required by a ratio condition"],
  ['a baseline without ratio', { metrics: [{ ...metric, baseline: 'up' }] }, "Input 'analysis' metrics[0].success: must be a ratio condition"],
  ['an unknown placeholder', { metrics: [{ ...metric, query: 'up{pod="{{pod}}"}' }] }, "Input 'analysis' metrics[0].query: has an unknown placeholder {{pod}}"],
  ['two metrics of one name', { metrics: [metric, metric] }, "Input 'analysis' metrics: has two metrics named 'error-rate'"],
])('%s is an input error naming the field', (_, document, message) => {
  expect(() => parseAnalysisSpec('analysis', document)).toThrow(message);
});

test.each([
  ['< 0.001', 0.0005, true],
  ['< 0.001', 0.001, false],
  ['<= 0.001', 0.001, true],
  ['> 10', 11, true],
  ['>= 1e-3', 0.001, true],
  ['== 0', 0, true],
  ['ratio<=1.2', 1.3, false],
])('condition %s on %d holds: %s', (text, value, expected) => {
  expect(holds(parseCondition(text)!, value)).toBe(expected);
});

const values = { app: 'web', namespace: 'prod"uction', color: 'green', 'live-color': 'blue', revision: '7' };

test('placeholders are filled and escaped as the string they stand in', () => {
  expect(fillQuery('x{namespace="{{namespace}}",pod=~"{{ app }}-{{color}}-.*"}', values)).toBe('x{namespace="prod\\"uction",pod=~"web-green-.*"}');
  expect(fillQuery("x{ns='{{namespace}}'}", { ...values, namespace: "o'k" })).toBe("x{ns='o\\'k'}");
  // In a regex matcher the value matches only itself: web.v2 does not match webXv2.
  expect(fillQuery('x{pod=~"{{app}}-.*"}', { ...values, app: 'web.v2' })).toBe('x{pod=~"web\\\\.v2-.*"}');
  expect(fillQuery('x{pod="{{app}}"}', { ...values, app: 'web.v2' })).toBe('x{pod="web.v2"}');
  expect(fillQuery('x{a="\\"{{color}}"} offset {{revision}}m', values)).toBe('x{a="\\"green"} offset 7m');
});

const spec = parseAnalysisSpec('analysis', { metrics: [metric] });
const env = (inputs: Record<string, string>) => Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
const aws = { roleArn: 'arn:aws:iam::123456789012:role/deploy', region: 'eu-west-1', sessionName: 's' };

test.each([
  [{}, undefined, "Input 'prometheus-url' is required by the analysis"],
  [{ 'prometheus-url': 'nope' }, undefined, "Input 'prometheus-url' must be an absolute http or https URL"],
  [{ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'oauth' }, undefined, "Input 'prometheus-auth' must be one of none, bearer, basic, sigv4"],
  [{ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'bearer' }, undefined, "Input 'prometheus-token' is required when prometheus-auth is bearer"],
  [{ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'basic', 'prometheus-token': 'secret' }, undefined, "Input 'prometheus-token' must be 'user:password'"],
  [{ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'sigv4' }, undefined, "Input 'role-to-assume' is required when prometheus-auth is sigv4"],
  [{ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'sigv4', 'prometheus-region': 'mars' }, aws, "Input 'prometheus-region' must be an AWS region"],
])('Prometheus access %j is an input error that never shows the token', (inputs, awsInputs, message) => {
  let error: Error | undefined;
  try {
    readPrometheusAccess(spec, awsInputs, env(inputs));
  } catch (caught) {
    error = caught as Error;
  }
  expect(error?.message).toContain(message);
  expect(error?.message).not.toContain('secret');
});

test('the spec’s prometheus wins over the input; sigv4 takes the job’s region unless told', () => {
  const own = parseAnalysisSpec('analysis', { prometheus: 'http://own:9090', metrics: [metric] });
  expect(readPrometheusAccess(own, undefined, env({ 'prometheus-url': 'http://input:9090' })).url.host).toBe('own:9090');
  expect(readPrometheusAccess(spec, aws, env({ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'sigv4' })).auth).toEqual({ kind: 'sigv4', region: 'eu-west-1' });
  expect(readPrometheusAccess(spec, aws, env({ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'sigv4', 'prometheus-region': 'us-east-2' })).auth).toEqual({
    kind: 'sigv4',
    region: 'us-east-2',
  });
  expect(readPrometheusAccess(spec, undefined, env({ 'prometheus-url': 'http://p:9090', 'prometheus-auth': 'basic', 'prometheus-token': 'ann:pa:ss' })).auth).toEqual({
    kind: 'basic',
    user: 'ann',
    password: 'pa:ss',
  });
});
