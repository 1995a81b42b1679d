/**
 * The kubelet part of the node agent: one worker per pod bound to the node. A worker gives its pod
 * an address of the pod network, runs its server in the pod host (unless the image crash-loops),
 * probes readiness from the host as the spec says, reports status through the status subresource,
 * runs a Job's pod to Succeeded or Failed, and on deletion stops serving (after its preStop sleep,
 * if it has one: the EndpointSlices drop a terminating pod meanwhile) and deletes the pod with
 * grace 0. What an image does is the emulator's image → behaviour map (pods.ts).
 */
import { get } from 'node:http';
import { imageBehaviour, type ImageModes } from '../../servers/kube/pods.js';
import { deepEqual, timestamp, type KubeObject } from '../../servers/kube/types.js';
import type { PodNetwork } from '../network/index.js';
import type { KubeClient } from './kube-client.js';
import type { PodHost } from './pod-host-client.js';
import { Readiness, listenPorts, podImage, podStatus, preStopSleepMs, readinessProbeOf, runsToCompletion, type ContainerStage, type HttpProbe } from './pod-status.js';

export interface KubeletContext {
  client: KubeClient;
  host: PodHost;
  network: Pick<PodNetwork, 'allocate' | 'attach' | 'release' | 'hostAddress'>;
  modes: ImageModes;
  /** How long a `slow` image takes to start, in ms. */
  slowMs: number;
  /** One API second (probe periods and delays), in ms. */
  secondMs: number;
  /** How often a crash-looping container restarts, in ms. */
  crashLoopMs: number;
  /** How long a run-to-completion container runs before it ends, in ms. */
  jobRunMs: number;
  log(line: string): void;
}

/** One HTTP GET from the host to the pod's address, as the kubelet probes: 200–399 passes. */
function probeOnce(address: string, probe: HttpProbe): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ host: address, port: probe.port, path: probe.path, timeout: probe.timeoutMs, agent: false, headers: { 'user-agent': 'kube-probe/1.32' } }, (response) => {
      response.resume();
      const status = response.statusCode ?? 500;
      resolve(status >= 200 && status < 400);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function podPath(pod: KubeObject): string {
  return `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
}

export class PodWorker {
  private container: ContainerStage = { stage: 'creating' };
  private address: string | undefined;
  private addressReleased = false;
  private serving = false;
  /** Nothing more runs: the pod finished, or it is being stopped. */
  private stopped = false;
  private terminating = false;
  private terminated: Promise<void> = Promise.resolve();
  private readonly sleepers = new Set<() => void>();
  private readonly startTime = timestamp();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readiness: Readiness | undefined;
  private probing = false;
  /** A run-to-completion container has run its time and may end. */
  private ranOnce = false;
  /** One status write at a time, in order; a later one supersedes what is still queued. */
  private writes: Promise<void> = Promise.resolve();
  private lastWritten: unknown;
  /** Serialises start/sync/terminate so a mode change never races a start. */
  private steps: Promise<void> = Promise.resolve();

  constructor(
    private readonly context: KubeletContext,
    private pod: KubeObject,
  ) {}

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  /** Takes the newest version of the pod; a deletion stops it. */
  update(pod: KubeObject): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp) void this.terminate(true, preStopSleepMs(pod, this.context.secondMs));
  }

  begin(): void {
    this.step(async () => {
      const phase = this.pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') {
        // Finished before this agent started: nothing runs again.
        this.stopped = true;
        return;
      }
      this.address = this.context.network.allocate();
      await this.context.network.attach(this.address);
      await this.writeStatus();
      if (imageBehaviour.startsLate(this.mode())) await this.delay(this.context.slowMs);
      await this.reconcile();
    });
  }

  /** Re-reads the image's mode (it may have changed) and moves the container to match. */
  sync(): void {
    this.step(() => this.reconcile());
  }

  /**
   * Stops serving (after `drainMs`, a preStop sleep: the server still answers, nothing else runs);
   * with `deletePod`, then deletes the pod with grace 0.
   */
  terminate(deletePod: boolean, drainMs = 0): Promise<void> {
    if (this.terminating) return this.terminated;
    this.terminating = true;
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // A step waiting out a delay goes on at once (and finds the pod stopped).
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
    this.serving = false;
    // Not queued behind other steps: serving must end now. A start still in flight may bring the
    // server up after that, so it is stopped once more when the steps have settled (stopping a
    // pod the host does not run is a no-op).
    this.terminated = (async () => {
      try {
        if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
        await this.context.host.stop(this.uid);
        await this.steps;
        await this.context.host.stop(this.uid);
        await this.releaseAddress();
        if (deletePod) {
          await this.context.client.delete(podPath(this.pod), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
        }
      } catch (error) {
        this.context.log(`pod ${this.pod.metadata.namespace}/${this.pod.metadata.name}: stopping failed: ${(error as Error).message}`);
      }
    })();
    return this.terminated;
  }

  private async releaseAddress(): Promise<void> {
    if (!this.address || this.addressReleased) return;
    this.addressReleased = true;
    await this.context.network.release(this.address);
  }

  private mode() {
    return this.context.modes.of(podImage(this.pod));
  }

  private step(work: () => Promise<void>): void {
    this.steps = this.steps
      .then(() => (this.stopped ? undefined : work()))
      .catch((error: Error) => this.context.log(`pod ${this.pod.metadata.namespace}/${this.pod.metadata.name}: ${error.message}`));
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.add(resolve);
      this.later(ms, () => {
        this.sleepers.delete(resolve);
        resolve();
      });
    });
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) action();
    }, ms);
    this.timers.add(timer);
  }

  private async reconcile(): Promise<void> {
    if (this.stopped || !this.address) return;
    const mode = this.mode();
    if (runsToCompletion(this.pod)) return this.reconcileRunToCompletion(mode);

    if (!imageBehaviour.serves(mode)) {
      if (this.serving) {
        this.serving = false;
        await this.context.host.stop(this.uid);
      }
      if (this.container.stage !== 'crashing') {
        const lastStartedAt = this.container.stage === 'running' ? this.container.startedAt : undefined;
        this.container = { stage: 'crashing', restarts: 1, lastStartedAt, lastFinishedAt: timestamp() };
        this.crashLater();
      }
      return this.writeStatus();
    }

    if (!this.serving) {
      await this.context.host.start({ uid: this.uid, name: this.pod.metadata.name!, image: podImage(this.pod), host: this.address, ports: listenPorts(this.pod) });
      if (this.stopped) return;
      this.serving = true;
      // A container that crash-looped and now runs keeps its restart count, as on a kubelet.
      const restarts = this.container.stage === 'crashing' ? this.container.restarts : undefined;
      this.container = { stage: 'running', startedAt: timestamp(), ready: false, restarts };
      this.startProbing();
    }
    return this.writeStatus();
  }

  private async reconcileRunToCompletion(mode: ReturnType<PodWorker['mode']>): Promise<void> {
    if (this.container.stage === 'terminated') return;
    if (this.container.stage === 'creating') {
      this.container = { stage: 'running', startedAt: timestamp(), ready: false };
      await this.writeStatus();
      // It "runs" for a while, then ends by its image's mode.
      this.later(this.context.jobRunMs, () => {
        this.ranOnce = true;
        this.sync();
      });
      return;
    }
    if (!this.ranOnce) return;
    const startedAt = this.container.stage === 'running' ? this.container.startedAt : undefined;
    const outcome = imageBehaviour.completion(mode);
    if (!outcome) return; // runs on until its mode changes
    this.container = { stage: 'terminated', outcome, startedAt, finishedAt: timestamp() };
    await this.writeStatus();
    // Its sandbox is gone: the address may serve another pod (the status keeps it, as a kubelet's does).
    await this.releaseAddress();
  }

  private crashLater(): void {
    this.later(this.context.crashLoopMs, () => {
      if (this.container.stage !== 'crashing') return;
      this.container = { ...this.container, restarts: this.container.restarts + 1, lastFinishedAt: timestamp() };
      void this.writeStatus().catch(() => undefined);
      this.crashLater();
    });
  }

  /** Readiness: no probe → ready as soon as it runs (if its image can be); else the probe decides. */
  private currentReady(): boolean {
    if (this.container.stage !== 'running' || !this.serving) return false;
    if (!imageBehaviour.canBeReady(this.mode())) return false;
    return readinessProbeOf(this.pod, this.context.secondMs) ? (this.readiness?.ready ?? false) : true;
  }

  private startProbing(): void {
    const probe = readinessProbeOf(this.pod, this.context.secondMs);
    if (!probe || this.probing) return;
    this.probing = true;
    this.readiness = new Readiness(probe.successThreshold, probe.failureThreshold);
    const tick = async () => {
      if (!this.serving || !this.address) return;
      const changed = this.readiness!.observe(await probeOnce(this.address, probe));
      if (changed) await this.writeStatus().catch(() => undefined);
      this.later(probe.periodMs, () => void tick());
    };
    this.later(probe.initialDelayMs, () => void tick());
  }

  /** Patches the status subresource when what it would say has changed. */
  private writeStatus(): Promise<void> {
    const write = async () => {
      if (this.stopped && this.container.stage !== 'terminated') return;
      if (this.container.stage === 'running') this.container = { ...this.container, ready: this.currentReady() };
      const status = podStatus(this.pod, this.container, { hostIP: this.context.network.hostAddress, podIP: this.address, startTime: this.startTime });
      if (deepEqual(status, this.lastWritten)) return;
      // A JSON merge patch replaces lists whole: a strategic one would merge each condition field
      // by field and keep a stale `reason` on a condition that turned True. The conditions sent
      // are the pod's own with ours set (the scheduler's PodScheduled stays). The uid makes the
      // patch fail on a pod of the same name made after this one was deleted.
      const updated = await this.context.client.patch(`${podPath(this.pod)}/status`, { metadata: { uid: this.uid }, status }, 'merge');
      this.lastWritten = status;
      this.pod = updated;
    };
    this.writes = this.writes.then(write, write);
    return this.writes;
  }
}

/** The workers of every pod bound to the node, fed by the pod informer's changes. */
export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();

  constructor(private readonly context: KubeletContext) {}

  onPod(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KubeObject): void {
    const uid = pod.metadata.uid!;
    let worker = this.workers.get(uid);
    if (type === 'DELETED') {
      void worker?.terminate(false);
      this.workers.delete(uid);
      return;
    }
    if (!worker) {
      worker = new PodWorker(this.context, pod);
      this.workers.set(uid, worker);
      if (pod.metadata.deletionTimestamp) void worker.terminate(true);
      else worker.begin();
      return;
    }
    worker.update(pod);
  }

  /** After an image's mode changed: every pod re-reads it. */
  syncAll(): void {
    for (const worker of this.workers.values()) worker.sync();
  }

  /** Stops every pod's server (the pods stay in the API, as when a kubelet stops). */
  async stopAll(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.terminate(false)));
  }
}
