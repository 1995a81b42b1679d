/**
 * Deploys measured on the real control plane (test/cluster: kube-apiserver, controller-manager,
 * scheduler, etcd and our node agent) and on the emulator beside it: a blue-green deploy-and-promote
 * v1 → v2 and a canary 10/50/100 with no pause between steps, each through the committed bundle
 * run by runner/ as GitHub runs it. For each step:
 *   - wall time, spawn to exit;
 *   - the time spent waiting for pods to become ready: the union of the moments when a Deployment
 *     of the app wants replicas it does not have available yet (its status, watched by this script
 *     from the first event to the last, the same events the action waits on);
 *   - the rest: the action's own cost (process start, reading state, planning, requests);
 *   - the API requests the step made, by verb, from the request record in front of the API
 *     server (the fault proxy on the cluster, the emulator's own record), each listed.
 *
 *   npm run build && npx tsx bench/deploy-cluster.ts [-- --runs 3] [--targets emulator,cluster] [--list]
 *
 * The cluster needs root, iproute2 and the binaries cached by test/cluster/build (see test/cluster/README.md).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { appManifests } from '../test/blue-green-deploy/fixture.js';
import { RUN_DIR_ENV } from '../test/cluster/shared.js';
import { startTarget, type KubeTarget, type TargetKind } from '../test/cluster/target.js';
import { runStep } from '../test/harness.js';
import type { RecordedRequest } from '../test/servers/kube/http.js';
import { flag, machineLoad, median, numberArg, RssProbe } from './measure.js';

const runs = numberArg('runs', 3);
const targetsAt = process.argv.indexOf('--targets');
const kinds = (targetsAt > 0 ? process.argv[targetsAt + 1] : 'emulator,cluster').split(',') as TargetKind[];
const REPLICAS = 4;
const OBSERVER = 'sunday-bench-observer';

interface DeploymentStatus {
  metadata: { name: string; generation?: number; labels?: Record<string, string> };
  spec: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; readyReplicas?: number };
}

/** Whether a Deployment still waits for pods: replicas wanted and not all updated and available. */
function waitingForPods(d: DeploymentStatus): boolean {
  const wanted = d.spec.replicas ?? 1;
  if (wanted === 0) return false;
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) < (d.metadata.generation ?? 1) || (s.updatedReplicas ?? 0) < wanted || (s.availableReplicas ?? 0) < wanted;
}

/**
 * Watches the namespace's Deployments with a user agent of its own (left out of the counts) and
 * keeps, per moment, whether any of them waits for pods: intervals of waiting, in this clock.
 */
class PodWaitObserver {
  private readonly waiting = new Map<string, boolean>();
  private since: number | undefined;
  readonly intervals: Array<[number, number]> = [];
  private stopWatch: (() => void) | undefined;
  private stopped = false;
  private failure: Error | undefined;

  async start(kubeconfigText: string, namespace: string): Promise<void> {
    const config = parse(kubeconfigText) as {
      clusters: Array<{ cluster: { server: string; 'certificate-authority-data'?: string } }>;
      users: Array<{ name: string; user: { token?: string; 'client-certificate-data'?: string; 'client-key-data'?: string } }>;
      contexts: Array<{ name: string; context: { user: string } }>;
      'current-context': string;
    };
    const context = config.contexts.find((c) => c.name === config['current-context'])!.context;
    const user = config.users.find((u) => u.name === context.user)!.user;
    const server = config.clusters[0].cluster.server;
    const decode = (data?: string) => (data ? Buffer.from(data, 'base64') : undefined);
    const url = `${server}/apis/apps/v1/namespaces/${namespace}/deployments?watch=1&allowWatchBookmarks=false`;
    const headers: Record<string, string> = { 'user-agent': OBSERVER, ...(user.token ? { authorization: `Bearer ${user.token}` } : {}) };
    // kube-apiserver sends a watch's headers with its first event, and an empty namespace has none:
    // the watch counts as started once its request is sent (a step's first Deployment comes
    // after its process start, hundreds of milliseconds later).
    await new Promise<void>((ready, fail) => {
      const onResponse = (response: import('node:http').IncomingMessage) => {
        if (response.statusCode !== 200) return void (this.failure = new Error(`watch: ${response.statusCode}`));
        let buffered = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          buffered += chunk;
          for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
            const line = buffered.slice(0, at);
            buffered = buffered.slice(at + 1);
            if (line.trim()) this.event(JSON.parse(line) as { type: string; object: DeploymentStatus });
          }
        });
      };
      const request = server.startsWith('https:')
        ? httpsRequest(url, { headers, agent: new Agent({ ca: decode(config.clusters[0].cluster['certificate-authority-data']), cert: decode(user['client-certificate-data']), key: decode(user['client-key-data']) }) }, onResponse)
        : httpRequest(url, { headers }, onResponse);
      request.on('error', (error) => (this.stopped ? undefined : fail(error)));
      request.end(() => ready());
      this.stopWatch = () => {
        this.stopped = true;
        request.destroy();
      };
    });
  }

  /** Throws when the watch was refused (checked after each step). */
  check(): void {
    if (this.failure) throw this.failure;
  }

  private event({ type, object }: { type: string; object: DeploymentStatus }): void {
    const now = performance.now();
    this.waiting.set(object.metadata.name, type !== 'DELETED' && waitingForPods(object));
    const any = [...this.waiting.values()].some(Boolean);
    if (any && this.since === undefined) this.since = now;
    if (!any && this.since !== undefined) {
      this.intervals.push([this.since, now]);
      this.since = undefined;
    }
  }

  /** Milliseconds of waiting within [from, to]. */
  waitedMs(from: number, to: number): number {
    const open: Array<[number, number]> = this.since === undefined ? [] : [[this.since, to]];
    return [...this.intervals, ...open].reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
  }

  stop(): void {
    this.stopWatch?.();
  }
}

interface Measured {
  wallMs: number;
  /** The step process's CPU time (user + system), which waits for no one: the action's own cost on a busy machine. */
  cpuMs: number;
  /** From spawn to the step's first API request: Node's start, loading the client, reading the manifests. */
  startMs: number;
  waitMs: number;
  requests: RecordedRequest[];
  timeline: string;
}

const kubectl = (kubeconfig: string, args: string[], input?: string) =>
  new Promise<{ code: number; stderr: string }>((resolve) => {
    const child = execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig } }, (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }));
    if (input !== undefined) child.stdin?.end(input);
  });

/** The pattern of a request, its names and numbers left out, for the table of what each request is for. */
function shape(r: RecordedRequest, namespace: string): string {
  const [path, query = ''] = r.path.split('?');
  const params = new URLSearchParams(query);
  const kept = ['watch', 'fieldSelector', 'labelSelector', 'fieldManager', 'dryRun'].filter((name) => params.has(name)).map((name) => (name === 'labelSelector' || name === 'fieldSelector' ? `${name}=${params.get(name)}` : name));
  return `${r.method} ${path.replace(`/namespaces/${namespace}`, '/namespaces/NS')}${kept.length ? `?${kept.join('&')}` : ''}`;
}

async function measureOn(kind: TargetKind): Promise<void> {
  const started = performance.now();
  const target: KubeTarget = await startTarget(kind);
  console.log(`\n## ${kind} (${target.url}), ready in ${((performance.now() - started) / 1000).toFixed(1)} s; ${machineLoad()}`);
  const dir = mkdtempSync(join(tmpdir(), 'deploy-bench-'));
  const observer = new PodWaitObserver();
  const probe = new RssProbe();
  try {
    const ns = target.namespace('deploy-bench');
    const kubeconfig = join(dir, 'kubeconfig');
    await target.writeKubeconfig(kubeconfig, { namespace: ns });
    const created = await kubectl(kubeconfig, ['create', 'namespace', ns]);
    if (created.code) throw new Error(`kubectl create namespace: ${created.stderr}`);
    mkdirSync(join(dir, 'k8s'));
    writeFileSync(join(dir, 'k8s', 'app.yaml'), appManifests({ replicas: REPLICAS, readinessProbe: true }));
    await observer.start(readFileSync(kubeconfig, 'utf8'), ns);

    const step = async (action: 'blue-green-deploy' | 'canary-deploy', app: string, image: string): Promise<Measured> => {
      const from = Date.now();
      const t0 = performance.now();
      const r = await runStep(action, {
        nodePath: probe.node,
        workspace: dir,
        timeoutMs: 300_000,
        inputs: { app, namespace: ns, manifests: 'k8s', kubeconfig, image, 'scale-down-delay': '0s', 'rollout-timeout': '120s', ...(action === 'canary-deploy' ? { steps: '10,50,100', 'step-pause': '0s' } : {}) },
      });
      const t1 = performance.now();
      if (r.exitCode !== 0) throw new Error(`${action} ${image} on the ${kind}: exit ${r.exitCode}: ${r.errors.join('; ')}\n${r.log.slice(-3000)}`);
      const to = Date.now();
      observer.check();
      const requests = (await target.requests()).filter((q) => q.time >= from && q.time <= to && q.userAgent !== OBSERVER);
      const timeline = r.summary.slice(r.summary.indexOf('#### Timeline'), r.summary.indexOf('####', r.summary.indexOf('#### Timeline') + 5));
      return { wallMs: r.durationMs, cpuMs: probe.last().cpuMs, startMs: (requests[0]?.time ?? to) - from, waitMs: observer.waitedMs(t0, t1), requests, timeline: timeline.trim() };
    };

    for (const [action, app] of [['blue-green-deploy', 'web'], ['canary-deploy', 'shop']] as const) {
      // The manifests name the app `web`: the canary gets its own copy under another name.
      if (app !== 'web') writeFileSync(join(dir, 'k8s', 'app.yaml'), appManifests({ replicas: REPLICAS, readinessProbe: true }).replaceAll('web', app));
      await step(action, app, `sunday/${app}:v1`); // the first release: nothing to switch from
      const series: Measured[] = [];
      for (let i = 0; i < runs; i++) series.push(await step(action, app, `sunday/${app}:v${i + 2}`));
      report(kind, action, ns, series);
    }
  } finally {
    observer.stop();
    probe.remove();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(kind: TargetKind, action: string, ns: string, series: Measured[]): void {
  const walls = series.map((m) => m.wallMs);
  const waits = series.map((m) => m.waitMs);
  const rests = series.map((m) => m.wallMs - m.waitMs);
  const counts = series.map((m) => m.requests.length);
  const starts = series.map((m) => m.startMs);
  const cpus = series.map((m) => m.cpuMs);
  const byVerb = new Map<string, number>();
  for (const r of series.at(-1)!.requests) byVerb.set(r.verb, (byVerb.get(r.verb) ?? 0) + 1);
  const f = (values: number[]) => `${(median(values) / 1000).toFixed(2)} s (${(Math.min(...values) / 1000).toFixed(2)}–${(Math.max(...values) / 1000).toFixed(2)})`;
  console.log(`\n### ${action} on the ${kind}: median of ${series.length}`);
  console.log(`| step wall | waiting for pods | the rest (the action's own) | of which spawn to first request | step CPU time | API requests |`);
  console.log(`|--:|--:|--:|--:|--:|--:|`);
  console.log(`| ${f(walls)} | ${f(waits)} | ${f(rests)} | ${f(starts)} | ${f(cpus)} | ${median(counts)} (${Math.min(...counts)}–${Math.max(...counts)}) |`);
  console.log(`\nrequests of the last run by verb: ${[...byVerb].map(([verb, n]) => `${verb} ${n}`).join(', ')}`);
  if (flag('list')) {
    console.log(`\n| # | verb | request | status | ms after the first |`);
    console.log(`|--:|---|---|--:|--:|`);
    const requests = series.at(-1)!.requests;
    requests.forEach((r, i) => console.log(`| ${i + 1} | ${r.verb} | \`${shape(r, ns)}\` | ${r.status} | ${r.time - requests[0].time} |`));
    console.log(`\n${series.at(-1)!.timeline}`);
  }
}

console.log(`node ${process.version}; ${REPLICAS} replicas with a readiness probe; ${runs} measured runs per strategy after a first release`);
const ownRunDir = !process.env[RUN_DIR_ENV];
for (const kind of kinds) await measureOn(kind);
// shared.ts stops the cluster it started at exit (its handler comes first); its run folder, with
// an admin kubeconfig, is this script's to remove.
if (ownRunDir && process.env[RUN_DIR_ENV]) {
  const dir = process.env[RUN_DIR_ENV];
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}
process.exit(0);
