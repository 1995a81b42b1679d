/**
 * The analysis as a deploy action runs it: a spec, where Prometheus is (inputs.ts), the values of
 * the placeholders, and — for SigV4 — the AWS credentials the job already holds through OIDC.
 * One log line per measurement, so a long analysis shows progress.
 */
import type { AwsCredentials } from '../aws/credentials.js';
import { sleep as realSleep } from '../retry.js';
import { formatCondition } from './condition.js';
import type { PrometheusAccess } from './inputs.js';
import { instantQuery, type PrometheusTarget } from './prometheus.js';
import { formatNumber, runAnalysis, type AnalysisResult } from './run.js';
import type { AnalysisSpec } from './spec.js';
import type { TemplateValues } from './template.js';

export { analysisSummary } from './summary.js';
export type { AnalysisResult } from './run.js';
export type { AnalysisSpec } from './spec.js';

export interface AnalyseOptions {
  values: TemplateValues;
  /** Required for `prometheus-auth: sigv4`: the credentials of `role-to-assume`. */
  credentials?: () => Promise<AwsCredentials>;
  log?: (line: string) => void;
  timeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function prometheusTarget(access: PrometheusAccess, options: Pick<AnalyseOptions, 'credentials' | 'timeoutMs'>): PrometheusTarget {
  const { url, auth } = access;
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (auth.kind !== 'sigv4') return { url, auth, timeoutMs };
  if (!options.credentials) throw new Error('prometheus-auth sigv4 needs AWS credentials from role-to-assume');
  return { url, auth: { kind: 'sigv4', region: auth.region, credentials: options.credentials }, timeoutMs };
}

export function analyse(spec: AnalysisSpec, access: PrometheusAccess, options: AnalyseOptions): Promise<AnalysisResult> {
  const target = prometheusTarget(access, options);
  const conditions = new Map(spec.metrics.map((metric) => [metric.name, formatCondition(metric.success)]));
  return runAnalysis(spec, {
    values: options.values,
    query: (promql, time) => instantQuery(target, promql, time),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? realSleep,
    onMeasurement: (m) => {
      const judged = m.ratio ?? m.value;
      const shown = judged === undefined ? '' : ` ${formatNumber(judged)}${m.ratio !== undefined ? ' (ratio)' : ''}`;
      options.log?.(`analysis ${m.metric} ${m.index}/${spec.count}:${shown} ${conditions.get(m.metric)} → ${m.phase}${m.message && m.phase !== 'failed' ? ` (${m.message})` : ''}`);
    },
  });
}
