/**
 * Kubernetes emulator figures: start-up (in process, and the standalone command to its `ready`
 * line) and a Deployment rollout from POST to available, at the fastest pace and the default one.
 * Goals (issue 9): start < 1 s, rollout < 200 ms at the fastest pace.
 * Run: npx tsx bench/kube-rollout.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startKubeEmulator, type KubeEmulator } from '../test/servers/kube/index.js';

const RUNS = 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function timeStart(): Promise<number> {
  const started = performance.now();
  const emulator = await startKubeEmulator();
  const elapsed = performance.now() - started;
  await emulator.stop();
  return elapsed;
}

function timeCommand(kubeconfig: string): Promise<number> {
  const repo = resolve(import.meta.dirname, '..');
  const started = performance.now();
  const child = spawn(join(repo, 'node_modules/.bin/tsx'), ['test/servers/kube/cli.ts', '--kubeconfig', kubeconfig], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done) => {
    child.stdout.once('data', () => {
      const elapsed = performance.now() - started;
      child.once('exit', () => done(elapsed));
      child.kill('SIGTERM');
    });
  });
}

/** POSTs a 3-replica Deployment and waits (watching the store) until it reports available. */
async function timeRollout(emulator: KubeEmulator, name: string): Promise<number> {
  const body = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 3, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `registry.local/${name}:v1` }] } } },
  };
  const started = performance.now();
  const response = await fetch(`${emulator.url}/apis/apps/v1/namespaces/default/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`create failed: ${response.status}`);
  for (;;) {
    const live = emulator.store.get('apps/v1', 'Deployment', 'default', name);
    const progressing = (live?.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
    if (live?.status?.availableReplicas === 3 && progressing?.reason === 'NewReplicaSetAvailable') return performance.now() - started;
    await new Promise((r) => setImmediate(r));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'kube-bench-'));
try {
  const starts: number[] = [];
  for (let i = 0; i < RUNS; i++) starts.push(await timeStart());
  const commands: number[] = [];
  for (let i = 0; i < 3; i++) commands.push(await timeCommand(join(dir, `kubeconfig-${i}`)));
  const strictStarts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const emulator = await startKubeEmulator({ strict: true });
    strictStarts.push(performance.now() - started);
    await emulator.stop();
  }
  const rollouts: Record<string, number[]> = {};
  for (const pace of [0, 10]) {
    const emulator = await startKubeEmulator({ pace });
    rollouts[pace] = [];
    for (let i = 0; i < RUNS; i++) rollouts[pace].push(await timeRollout(emulator, `bench-${i}`));
    await emulator.stop();
  }
  console.log(`emulator start, in process (median of ${RUNS}):        ${ms(median(starts))}`);
  console.log(`emulator start, strict (TLS, CA generated):           ${ms(median(strictStarts))}`);
  console.log(`npm run kube-emulator to "ready" (tsx, median of 3):  ${ms(median(commands))}`);
  console.log(`rollout of 3 replicas to available, pace 0 (median):  ${ms(median(rollouts[0]))}  (max ${ms(Math.max(...rollouts[0]))})`);
  console.log(`rollout of 3 replicas to available, pace 10 (median): ${ms(median(rollouts[10]))}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
