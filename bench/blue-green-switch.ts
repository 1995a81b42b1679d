/**
 * How soon after the staged colour becomes available does blue-green-deploy switch the stable
 * Service? The action waits by watch, so the gap should be one watch event plus one PATCH.
 * Runs N deploys through the runner against the in-process Kubernetes emulator at its fastest
 * pace, observing the emulator's store: the first moment the staged Deployment is available, and
 * the first moment the Service selects its colour.
 *
 *   npm run build && npx tsx bench/blue-green-switch.ts [-- --runs 9]
 */
import { deploymentImage } from '../actions/lib/deploy/model.js';
import { isAvailable } from '../actions/lib/deploy/rollout.js';
import { startStage } from '../test/blue-green-deploy/fixture.js';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 9;
// The emulator's store, read synchronously between event-loop turns: the finest clock there is.
const stage = await startStage('emulator', { emulator: { strict: false } });
const store = stage.kube!.store;
const service = () => store.get('v1', 'Service', 'default', 'web');
const deployment = (name: string) => store.get('apps/v1', 'Deployment', 'default', name);
const gaps: number[] = [];
const totals: number[] = [];
try {
  await stage.deploy({ image: 'sunday/web:v0' });
  for (let i = 1; i <= runs; i++) {
    const color = service()?.spec?.selector['sunday.dev/color'] === 'blue' ? 'green' : 'blue';
    let availableAt = 0;
    let switchedAt = 0;
    let watching = true;
    const observe = (async () => {
      while (watching && !switchedAt) {
        const now = performance.now();
        const staged = deployment(`web-${color}`);
        // Available with the new image (the idle colour sits at zero replicas, "available", until staged).
        if (!availableAt && deploymentImage(staged) === `sunday/web:v${i}` && isAvailable(staged)) availableAt = now;
        if (service()?.spec?.selector['sunday.dev/color'] === color) switchedAt = now;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const r = await stage.deploy({ image: `sunday/web:v${i}` });
    watching = false;
    await observe;
    if (r.exitCode !== 0) throw new Error(`deploy ${i} failed: ${r.errors.join('; ')}`);
    gaps.push(switchedAt - availableAt);
    totals.push(r.durationMs);
  }
} finally {
  await stage.stop();
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`| runs | switch after available (median) | max | whole deploy step (median) |`);
console.log(`|---|---|---|---|`);
console.log(`| ${runs} | ${median(gaps).toFixed(1)} ms | ${Math.max(...gaps).toFixed(1)} ms | ${median(totals).toFixed(0)} ms |`);
