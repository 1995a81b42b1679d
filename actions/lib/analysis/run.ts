/**
 * Runs an analysis: after `initial-delay`, `count` measurements `interval` apart; each measurement
 * queries every metric (and its baseline) at one instant and judges it Successful, Failed,
 * Inconclusive (no data, NaN, a baseline of 0) or Error (Prometheus unreachable, 5xx, a bad query).
 * The run ends as soon as a limit is exceeded, with a reason naming the metric, the value and the
 * condition; time and queries come in through the context, so the loop is tested without waiting.
 */
import { formatCondition, holds } from './condition.js';
import type { QueryOutcome } from './prometheus.js';
import type { AnalysisSpec, MetricSpec } from './spec.js';
import { fillQuery, type TemplateValues } from './template.js';

export type MeasurementPhase = 'successful' | 'failed' | 'inconclusive' | 'error';
export type AnalysisPhase = MeasurementPhase;

export interface Measurement {
  metric: string;
  /** 1-based. */
  index: number;
  /** Unix seconds of the instant queried. */
  at: number;
  phase: MeasurementPhase;
  value?: number;
  baseline?: number;
  /** value ÷ baseline, for ratio conditions. */
  ratio?: number;
  /** Why it is not successful. */
  message?: string;
}

export interface AnalysisResult {
  phase: AnalysisPhase;
  /** The metric that ended the run, when it did not succeed. */
  failedMetric?: string;
  /** One line: metric, value, condition (or the error). */
  reason?: string;
  measurements: Measurement[];
}

export interface AnalysisContext {
  values: TemplateValues;
  query(promql: string, timeSeconds: number): Promise<QueryOutcome>;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Told of each measurement as it is taken, e.g. to log it. */
  onMeasurement?(measurement: Measurement): void;
}

export async function runAnalysis(spec: AnalysisSpec, context: AnalysisContext): Promise<AnalysisResult> {
  const queries = spec.metrics.map((metric) => ({
    metric,
    query: fillQuery(metric.query, context.values),
    baseline: metric.baseline === undefined ? undefined : fillQuery(metric.baseline, context.values),
  }));
  const counts = new Map(spec.metrics.map((metric) => [metric.name, { failed: 0, inconclusive: 0, consecutiveErrors: 0 }]));
  const measurements: Measurement[] = [];
  if (spec.initialDelayMs > 0) await context.sleep(spec.initialDelayMs);
  for (let index = 1; index <= spec.count; index++) {
    if (index > 1) await context.sleep(spec.intervalMs);
    const at = context.now() / 1000;
    const round = await Promise.all(queries.map(({ metric, query, baseline }) => measure(metric, query, baseline, index, at, context)));
    for (const measurement of round) {
      measurements.push(measurement);
      context.onMeasurement?.(measurement);
      const count = counts.get(measurement.metric)!;
      if (measurement.phase === 'error') count.consecutiveErrors++;
      else count.consecutiveErrors = 0;
      if (measurement.phase === 'failed') count.failed++;
      if (measurement.phase === 'inconclusive') count.inconclusive++;
    }
    for (const measurement of round) {
      const count = counts.get(measurement.metric)!;
      const limit = exceeded(spec, count);
      if (limit) return { phase: limit, failedMetric: measurement.metric, reason: reasonFor(limit, measurement, spec), measurements };
    }
  }
  // Fail closed: a metric never measured successfully (Prometheus down throughout, no data at all)
  // has not shown the release healthy, even when its errors stayed within the limits.
  for (const metric of spec.metrics) {
    const own = measurements.filter((measurement) => measurement.metric === metric.name);
    if (own.some((measurement) => measurement.phase === 'successful')) continue;
    const last = own.at(-1)!;
    const phase: AnalysisPhase = own.some((measurement) => measurement.phase === 'error') ? 'error' : 'inconclusive';
    return { phase, failedMetric: metric.name, reason: `${metric.name}: no successful measurement in ${spec.count} (the last: ${last.message})`, measurements };
  }
  return { phase: 'successful', measurements };
}

function exceeded(spec: AnalysisSpec, count: { failed: number; inconclusive: number; consecutiveErrors: number }): AnalysisPhase | undefined {
  if (count.failed > spec.failureLimit) return 'failed';
  if (count.consecutiveErrors > spec.consecutiveErrorLimit) return 'error';
  if (count.inconclusive > spec.inconclusiveLimit) return 'inconclusive';
  return undefined;
}

function reasonFor(phase: AnalysisPhase, last: Measurement, spec: AnalysisSpec): string {
  const limits = { failed: spec.failureLimit, error: spec.consecutiveErrorLimit, inconclusive: spec.inconclusiveLimit, successful: 0 };
  const kind = { failed: 'failed measurements', error: 'consecutive errors', inconclusive: 'inconclusive measurements', successful: '' }[phase];
  return `${last.metric}: ${last.message} (measurement ${last.index} of ${spec.count}; more than ${limits[phase]} ${kind})`;
}

async function measure(metric: MetricSpec, query: string, baselineQuery: string | undefined, index: number, at: number, context: AnalysisContext): Promise<Measurement> {
  const base = { metric: metric.name, index, at };
  const condition = formatCondition(metric.success);
  const [value, baseline] = await Promise.all([context.query(query, at), baselineQuery === undefined ? undefined : context.query(baselineQuery, at)]);
  if (value.kind === 'error') return { ...base, phase: 'error', message: value.message };
  if (baseline?.kind === 'error') return { ...base, phase: 'error', message: `baseline ${baseline.message}` };
  if (value.kind === 'empty') return { ...base, phase: 'inconclusive', message: 'the query returned no data' };
  if (Number.isNaN(value.value)) return { ...base, phase: 'inconclusive', value: value.value, message: 'the query returned NaN' };
  if (!metric.success.ratio) {
    const ok = holds(metric.success, value.value);
    return { ...base, phase: ok ? 'successful' : 'failed', value: value.value, message: ok ? undefined : `${formatNumber(value.value)} is not ${condition}` };
  }
  if (baseline?.kind !== 'value') return { ...base, phase: 'inconclusive', value: value.value, message: 'the baseline query returned no data' };
  if (Number.isNaN(baseline.value) || baseline.value === 0) {
    return { ...base, phase: 'inconclusive', value: value.value, baseline: baseline.value, message: `the baseline is ${formatNumber(baseline.value)}: no ratio` };
  }
  const ratio = value.value / baseline.value;
  const ok = holds(metric.success, ratio);
  const message = ok ? undefined : `${formatNumber(value.value)} against a baseline of ${formatNumber(baseline.value)} is a ratio of ${formatNumber(ratio)}, not ${condition}`;
  return { ...base, phase: ok ? 'successful' : 'failed', value: value.value, baseline: baseline.value, ratio, message };
}

/** Four significant digits, enough to read against a threshold. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toPrecision(4)).toString();
}
