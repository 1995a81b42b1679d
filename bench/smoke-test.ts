/**
 * smoke-test at scale: 1,000 checks against a local server that answers each after 50 ms, at
 * `concurrency: 50`, so 20 waves of 50 ms: the ideal is 1,000 ms plus the start-up floor. Times the
 * committed bundle through runner/ (wall time from spawn to exit, peak RSS by GNU time), alternating
 * with the floors, and prints the ratio to the ideal and the summary's size.
 *   - start-up floor `node -e 0`: a Node process and nothing else;
 *   - the step's own floor: the same step with one check against an instant endpoint.
 *
 *   npx tsx bench/smoke-test.ts [-- --runs 5] [--checks 1000] [--concurrency 50] [--delay-ms 50]
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startHttpTarget } from '../test/servers/http-target/server.js';
import { describeSeries, machineLoad, numberArg, RssProbe, type Measured } from './measure.js';

const root = resolve(import.meta.dirname, '..');
const runs = numberArg('runs', 5);
const checks = numberArg('checks', 1000);
const concurrency = numberArg('concurrency', 50);
const delayMs = numberArg('delay-ms', 50);
const waves = Math.ceil(checks / concurrency);

const target = await startHttpTarget();
const probe = new RssProbe();
const workspace = mkdtempSync(join(tmpdir(), 'smoke-bench-'));
try {
  // A checks file, as a large suite would keep it (1,000 URLs also fit in `url`).
  writeFileSync(join(workspace, 'checks.json'), JSON.stringify(Array.from({ length: checks }, (_, i) => ({ name: `item ${i}`, url: `/slow?ms=${delayMs}&item=${i}` }))));
  const step = (inputs: Record<string, string>) => probe.step({ actionDir: join(root, 'smoke-test'), inputs, workspace, timeoutMs: 120_000 });
  const series: Record<'node' | 'one' | 'scale', Measured[]> = { node: [], one: [], scale: [] };
  let summaryBytes = 0;
  let reported = '';
  const loadBefore = machineLoad();
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < 3; k++) {
      const kind = (['node', 'one', 'scale'] as const)[(i + k) % 3];
      if (kind === 'node') {
        series.node.push(await probe.command(['-e', '0'], workspace));
      } else if (kind === 'one') {
        const m = await step({ url: `${target.url}/ok` });
        if (m.result.exitCode !== 0) throw new Error(`one check: exit ${m.result.exitCode}: ${m.result.errors.join('; ')}`);
        rmSync(m.result.dir, { recursive: true, force: true });
        series.one.push(m);
      } else {
        const m = await step({ checks: 'checks.json', 'base-url': target.url, concurrency: String(concurrency) });
        const { exitCode, outputs, summary, errors } = m.result;
        if (exitCode !== 0 || outputs.total !== String(checks) || outputs.failed !== '0') throw new Error(`scale run: exit ${exitCode}, ${JSON.stringify({ ...outputs, results: undefined })} ${errors.join('; ')}`);
        summaryBytes = Buffer.byteLength(summary);
        reported = outputs['duration-ms'];
        rmSync(m.result.dir, { recursive: true, force: true });
        series.scale.push(m);
      }
    }
  }
  const node = describeSeries(series.node);
  const one = describeSeries(series.one);
  const scale = describeSeries(series.scale);
  const ideal = waves * delayMs;
  console.log(`node ${process.version}; ${checks} checks, concurrency ${concurrency}, each answered after ${delayMs} ms: ${waves} waves, ${ideal} ms of waiting`);
  console.log(`machine: ${loadBefore} before, ${machineLoad()} after`);
  console.log(`medians of ${runs} alternating runs:`);
  console.log('| run | wall | CPU | peak RSS | × ideal |');
  console.log('|---|--:|--:|--:|--:|');
  console.log(`| start-up floor \`node -e 0\` | ${node.wallMs.toFixed(0)} ms | ${node.cpuMs.toFixed(0)} ms | ${node.rssMiB.toFixed(0)} MiB | |`);
  console.log(`| smoke-test, 1 instant check (the step's own floor) | ${one.wallMs.toFixed(0)} ms | ${one.cpuMs.toFixed(0)} ms | ${one.rssMiB.toFixed(0)} MiB | |`);
  console.log(`| smoke-test, ${checks} checks | ${scale.wallMs.toFixed(0)} ms | ${scale.cpuMs.toFixed(0)} ms | ${scale.rssMiB.toFixed(0)} MiB | ${(scale.wallMs / (ideal + node.wallMs)).toFixed(2)}× of ${ideal} + ${node.wallMs.toFixed(0)} ms; ${(scale.wallMs / (ideal + one.wallMs)).toFixed(2)}× of ${ideal} + ${one.wallMs.toFixed(0)} ms |`);
  console.log('');
  console.log(`${checks} checks: ${scale.text}; the step's own duration-ms output (last run): ${reported} ms; job summary ${summaryBytes} bytes (limit 1,048,576)`);
  console.log(`goals: wall ≤ 1.3 × (${ideal} ms + start-up floor), peak RSS < 150 MB (${((scale.rssMiB * 1048576) / 1e6).toFixed(0)} MB)`);
} finally {
  probe.remove();
  await target.stop();
  rmSync(workspace, { recursive: true, force: true });
}
