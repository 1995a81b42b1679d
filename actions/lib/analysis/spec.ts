/**
 * The analysis spec: which Prometheus queries judge a release, how often, and how many bad
 * measurements are tolerated (Argo Rollouts' AnalysisTemplate, run from the job). Parsing is pure
 * and complete: every mistake is an InputError naming the field, before any request is sent.
 */
import { InputError, parseDuration } from '../inputs.js';
import { parseCondition, type Condition } from './condition.js';
import { placeholdersIn, PLACEHOLDERS } from './template.js';

export interface MetricSpec {
  name: string;
  /** PromQL with `{{placeholders}}`, filled when the analysis runs. */
  query: string;
  /** A second query, evaluated at the same instant, for `ratio` conditions. */
  baseline?: string;
  success: Condition;
}

export interface AnalysisSpec {
  /** The spec's own `prometheus`; wins over the `prometheus-url` input. */
  prometheus?: URL;
  intervalMs: number;
  count: number;
  initialDelayMs: number;
  failureLimit: number;
  inconclusiveLimit: number;
  consecutiveErrorLimit: number;
  metrics: MetricSpec[];
}

/** Argo Rollouts' defaults where it has one (consecutiveErrorLimit 4, the limits 0). */
export const ANALYSIS_DEFAULTS = {
  intervalMs: 30_000,
  count: 5,
  initialDelayMs: 0,
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
} as const;

/** A run of measurements may last at most a day: longer is a mistake, and timers stay in range. */
const MAX_RUN_MS = 24 * 3_600_000;
const TOP_KEYS = ['prometheus', 'interval', 'count', 'initial-delay', 'failure-limit', 'inconclusive-limit', 'consecutive-error-limit', 'metrics'];
const METRIC_KEYS = ['name', 'query', 'baseline', 'success'];
const METRIC_NAME = /^[a-z0-9]([a-z0-9_.-]{0,61}[a-z0-9])?$/i;
const MAX_QUERY_LENGTH = 8192;

export function parseAnalysisSpec(input: string, document: unknown): AnalysisSpec {
  const fail = (field: string, expected: string): never => {
    throw new InputError(input, `${field ? `${field}: ` : ''}${expected}`);
  };
  if (!isMap(document)) fail('', 'must be a YAML or JSON map with metrics (see the analysis spec in the README)');
  const spec = document as Record<string, unknown>;
  const unknown = Object.keys(spec).filter((key) => !TOP_KEYS.includes(key));
  if (unknown.length) fail(unknown[0], `is not a field of the analysis spec; known fields are ${TOP_KEYS.join(', ')}`);

  let prometheus: URL | undefined;
  if (spec.prometheus !== undefined) {
    prometheus = parseHttpUrl(spec.prometheus) ?? fail('prometheus', 'must be an absolute http(s) URL such as https://prometheus.monitoring.svc:9090');
  }
  const duration = (field: string, fallback: number, min: number): number => {
    const value = spec[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' && typeof value !== 'number') fail(field, "must be a duration such as '30s' or '1m'");
    let ms: number;
    try {
      ms = parseDuration(field, String(value));
    } catch {
      return fail(field, "must be a duration such as '30s', '1m' or '1m30s'");
    }
    if (ms < min || ms > MAX_RUN_MS) fail(field, `must be from ${min / 1000}s to 24h`);
    return ms;
  };
  const whole = (field: string, fallback: number, min: number, max: number): number => {
    const value = spec[field];
    if (value === undefined) return fallback;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) fail(field, `must be a whole number from ${min} to ${max}`);
    return n;
  };

  const intervalMs = duration('interval', ANALYSIS_DEFAULTS.intervalMs, 1000);
  const count = whole('count', ANALYSIS_DEFAULTS.count, 1, 1000);
  const initialDelayMs = duration('initial-delay', ANALYSIS_DEFAULTS.initialDelayMs, 0);
  if (initialDelayMs + intervalMs * (count - 1) > MAX_RUN_MS) fail('count', 'times interval, plus initial-delay, must stay within 24h');

  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) fail('metrics', 'must be a non-empty list of metrics, each with name, query and success');
  const metrics = (spec.metrics as unknown[]).map((entry, index) => parseMetric(entry, `metrics[${index}]`, fail));
  const names = new Set<string>();
  for (const metric of metrics) {
    if (names.has(metric.name)) fail('metrics', `has two metrics named '${metric.name}'; names must be unique`);
    names.add(metric.name);
  }
  return {
    prometheus,
    intervalMs,
    count,
    initialDelayMs,
    failureLimit: whole('failure-limit', ANALYSIS_DEFAULTS.failureLimit, 0, count),
    inconclusiveLimit: whole('inconclusive-limit', ANALYSIS_DEFAULTS.inconclusiveLimit, 0, count),
    consecutiveErrorLimit: whole('consecutive-error-limit', ANALYSIS_DEFAULTS.consecutiveErrorLimit, 0, count),
    metrics,
  };
}

function parseMetric(entry: unknown, where: string, fail: (field: string, expected: string) => never): MetricSpec {
  if (!isMap(entry)) fail(where, 'must be a map with name, query and success');
  const metric = entry as Record<string, unknown>;
  const unknown = Object.keys(metric).filter((key) => !METRIC_KEYS.includes(key));
  if (unknown.length) fail(`${where}.${unknown[0]}`, `is not a field of a metric; known fields are ${METRIC_KEYS.join(', ')}`);
  if (typeof metric.name !== 'string' || !METRIC_NAME.test(metric.name)) fail(`${where}.name`, 'must be a name of letters, digits, dots, dashes or underscores (at most 63)');
  const name = metric.name as string;
  const query = (field: 'query' | 'baseline'): string => {
    const value = metric[field];
    if (typeof value !== 'string' || !value.trim()) return fail(`${where}.${field}`, 'must be a PromQL query');
    if (value.length > MAX_QUERY_LENGTH) fail(`${where}.${field}`, `must be at most ${MAX_QUERY_LENGTH} characters`);
    const unknownPlaceholder = placeholdersIn(value).find((placeholder) => !(PLACEHOLDERS as readonly string[]).includes(placeholder));
    if (unknownPlaceholder !== undefined) fail(`${where}.${field}`, `has an unknown placeholder {{${unknownPlaceholder}}}; known are ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    return value.trim();
  };
  if (metric.success === undefined) fail(`${where}.success`, "is required: a condition such as '< 0.001' or 'ratio <= 1.2'");
  const success = parseCondition(String(metric.success)) ?? fail(`${where}.success`, "must be a condition such as '< 0.001', '>= 0.99' or 'ratio <= 1.2' (operators <, <=, >, >=, ==)");
  const baseline = metric.baseline === undefined ? undefined : query('baseline');
  if (success.ratio && baseline === undefined) fail(`${where}.baseline`, 'is required by a ratio condition: the query of the live version to compare against');
  if (!success.ratio && baseline !== undefined) fail(`${where}.success`, "must be a ratio condition such as 'ratio <= 1.2' when a baseline is given");
  return { name, query: query('query'), baseline, success };
}

function isMap(value: unknown): boolean {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function parseHttpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
