/**
 * The analysis as people read it: per metric, a table of its measurements (the record) and a
 * Mermaid `xychart-beta` of the judged values against the threshold (a convenience: whether
 * GitHub draws that chart type in a job summary could not be checked here, so the table is the record).
 */
import { formatCondition } from './condition.js';
import { formatNumber, type AnalysisResult, type Measurement } from './run.js';
import type { AnalysisSpec, MetricSpec } from './spec.js';
import { table } from '../summary.js';

const ICON: Record<Measurement['phase'], string> = { successful: '✅', failed: '❌', inconclusive: '❔', error: '⚠️' };

export function analysisSummary(title: string, spec: AnalysisSpec, result: AnalysisResult): string {
  const verdict = result.phase === 'successful' ? 'successful' : `${result.phase}: ${result.reason}`;
  const sections = [`### ${title}: ${verdict}`];
  for (const metric of spec.metrics) {
    const rows = result.measurements.filter((measurement) => measurement.metric === metric.name);
    sections.push(`**${metric.name}** \`${formatCondition(metric.success)}\``);
    if (rows.length === 0) {
      sections.push('_not measured_');
      continue;
    }
    const headers = metric.baseline ? ['#', 'time (UTC)', 'value', 'baseline', 'ratio', 'result'] : ['#', 'time (UTC)', 'value', 'result'];
    sections.push(
      table(
        headers,
        rows.map((row) => {
          const cells = [row.index, new Date(row.at * 1000).toISOString().slice(11, 19), show(row.value)];
          if (metric.baseline) cells.push(show(row.baseline), show(row.ratio));
          cells.push(`${ICON[row.phase]} ${row.phase}${row.message ? `: ${row.message}` : ''}`);
          return cells;
        }),
      ),
    );
    const chart = mermaidChart(metric, rows);
    if (chart) sections.push(chart);
  }
  return sections.join('\n\n');
}

function show(value: number | undefined): string {
  return value === undefined ? '—' : formatNumber(value);
}

/** The judged number of each measurement (the ratio for ratio conditions) and the threshold as a line. */
export function mermaidChart(metric: MetricSpec, rows: Measurement[]): string | undefined {
  const points = rows
    .map((row) => ({ index: row.index, value: metric.success.ratio ? row.ratio : row.value }))
    .filter((point): point is { index: number; value: number } => point.value !== undefined && Number.isFinite(point.value));
  if (points.length === 0) return undefined;
  const threshold = metric.success.threshold;
  const numbers = (values: number[]) => `[${values.map(formatNumber).join(', ')}]`;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${metric.name} (${formatCondition(metric.success)})"`,
    `  x-axis "measurement" [${points.map((point) => point.index).join(', ')}]`,
    `  y-axis "${metric.success.ratio ? 'ratio to baseline' : 'value'}"`,
    `  line ${numbers(points.map((point) => point.value))}`,
    `  line ${numbers(points.map(() => threshold))}`,
    '```',
  ].join('\n');
}
