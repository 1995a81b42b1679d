/** The measurement loop's limits, table-driven: Prometheus's answers are given in order, time is virtual. */
import { runAnalysis } from '../../actions/lib/analysis/run.js';
import type { QueryOutcome } from '../../actions/lib/analysis/prometheus.js';
import { parseAnalysisSpec } from '../../actions/lib/analysis/spec.js';

const v = (value: number): QueryOutcome => ({ kind: 'value', value });
const empty: QueryOutcome = { kind: 'empty' };
const down: QueryOutcome = { kind: 'error', message: 'connection refused' };

async function run(limits: Record<string, number>, answers: QueryOutcome[]) {
  const spec = parseAnalysisSpec('analysis', { interval: '10s', count: 5, 'initial-delay': '30s', ...limits, metrics: [{ name: 'errors', query: 'q', success: '< 1' }] });
  let clock = 1_000_000;
  const slept: number[] = [];
  const result = await runAnalysis(spec, {
    values: { app: 'web', namespace: 'default', color: 'green', 'live-color': 'blue', revision: '1' },
    query: async () => answers.shift() ?? v(0),
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
  });
  return { phases: result.measurements.map((m) => m.phase), result: result.phase, slept };
}

test.each([
  ['all good', {}, [v(0), v(0), v(0), v(0), v(0)], 'successful', 5],
  ['one failure over a limit of 0', {}, [v(0), v(2)], 'failed', 2],
  ['one failure within a limit of 1', { 'failure-limit': 1 }, [v(2), v(0), v(0), v(0), v(0)], 'successful', 5],
  ['two failures over a limit of 1', { 'failure-limit': 1 }, [v(2), v(0), v(2)], 'failed', 3],
  ['no data within the inconclusive limit', { 'inconclusive-limit': 1 }, [empty, v(0), v(0), v(0), v(0)], 'successful', 5],
  ['NaN twice over an inconclusive limit of 1', { 'inconclusive-limit': 1 }, [v(NaN), v(NaN)], 'inconclusive', 2],
  ['errors that recover stay within the consecutive limit', { 'consecutive-error-limit': 1 }, [down, v(0), down, v(0), v(0)], 'successful', 5],
  ['errors in a row over the limit', { 'consecutive-error-limit': 1 }, [down, down], 'error', 2],
  ['errors throughout, within a limit as large as the count', { 'consecutive-error-limit': 5 }, [down, down, down, down, down], 'error', 5],
  ['no data throughout, within the inconclusive limit', { 'inconclusive-limit': 5 }, [empty, empty, empty, empty, empty], 'inconclusive', 5],
])('%s', async (_, limits, answers, phase, measured) => {
  const outcome = await run(limits, answers);
  expect(outcome.result).toBe(phase);
  expect(outcome.phases).toHaveLength(measured);
});

test('waits the initial delay, then the interval between measurements', async () => {
  expect((await run({}, [])).slept).toEqual([30_000, 10_000, 10_000, 10_000, 10_000]);
});

test('a ratio against a baseline of 0 is inconclusive, not infinite', async () => {
  const spec = parseAnalysisSpec('analysis', { count: 1, metrics: [{ name: 'p95', query: 'a', baseline: 'b', success: 'ratio <= 1.2' }] });
  const result = await runAnalysis(spec, {
    values: { app: 'web', namespace: 'default', color: 'green', 'live-color': 'blue', revision: '1' },
    query: async (promql) => (promql === 'a' ? v(0.3) : v(0)),
    now: Date.now,
    sleep: async () => {},
  });
  expect(result).toMatchObject({ phase: 'inconclusive', failedMetric: 'p95' });
  expect(result.reason).toBe('p95: the baseline is 0: no ratio (measurement 1 of 1; more than 0 inconclusive measurements)');
});
