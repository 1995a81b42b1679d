/**
 * The control loop that stands in for kube-controller-manager, the scheduler, the kubelet and
 * kube-proxy. A pass runs every controller once; any change to the store asks for another pass
 * `pace` ms later, so a rollout moves one visible step per pace (0 = as fast as possible). Timed
 * events (progress deadlines, slow starts, crash-loop restarts) wake it up on their own.
 */
import type { PodRuntime } from '../pods.js';
import { RESOURCE_TYPES } from '../resources.js';
import type { ServiceProxies } from '../service-proxy.js';
import type { Store } from '../store.js';
import type { ImageMode } from '../types.js';
import { TYPES, type ControllerContext } from './context.js';
import { reconcileDeployment, reconcileReplicaSet, type ProgressMemory } from './deployments.js';
import { reconcileEndpoints, reconcileEndpointSlices } from './endpoints.js';
import { reconcileJob } from './jobs.js';
import { runKubelet } from './kubelet.js';

export interface LoopOptions {
  store: Store;
  runtime: PodRuntime;
  proxies: ServiceProxies;
  modeOf(image: string): ImageMode;
  pace: number;
  secondMs: number;
  slowStartMs: number;
}

export class ControlLoop {
  private readonly context: ControllerContext;
  private timer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAtMs = Infinity;
  private running: Promise<void> | undefined;
  private pending = false;
  private stopped = false;
  private readonly unsubscribe: () => void;
  private readonly progress: ProgressMemory = new Map();
  private readonly podStarts = new Map<string, number>();
  private readonly jobStarts = new Map<string, number>();
  private readonly managedEndpoints = new Set<string>();
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: LoopOptions) {
    this.context = {
      store: options.store,
      now: () => Date.now(),
      secondMs: options.secondMs,
      wakeAt: (atMs) => this.wakeAt(atMs),
    };
    this.unsubscribe = options.store.subscribe(() => this.kick());
  }

  /** Asks for a pass (after `pace` ms). */
  kick(): void {
    if (this.stopped) return;
    this.pending = true;
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pass();
    }, this.options.pace);
  }

  /** Resolves once no pass is running or asked for (timed wake-ups aside). */
  idle(): Promise<void> {
    if (!this.pending && !this.running && !this.timer) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.timer);
    clearTimeout(this.wakeTimer);
    await this.running;
  }

  private wakeAt(atMs: number): void {
    if (this.stopped || atMs >= this.wakeAtMs) return;
    clearTimeout(this.wakeTimer);
    this.wakeAtMs = atMs;
    this.wakeTimer = setTimeout(() => {
      this.wakeAtMs = Infinity;
      this.kick();
    }, Math.max(0, atMs - Date.now()) + 1);
  }

  private async pass(): Promise<void> {
    this.pending = false;
    this.running = this.reconcile().catch((error: unknown) => {
      // A controller bug must not take the API down; it shows in the emulator's log.
      console.error('kube-emulator controller pass failed:', error);
    });
    await this.running;
    this.running = undefined;
    if (this.pending && !this.stopped) {
      this.pending = false;
      this.kick();
    } else {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async reconcile(): Promise<void> {
    const { store } = this.options;
    // Changes made during this pass are ours: one more pass will look at them.
    for (const deployment of store.list(TYPES.deployments)) reconcileDeployment(this.context, deployment, this.progress);
    for (const replicaSet of store.list(TYPES.replicasets)) reconcileReplicaSet(this.context, replicaSet);
    for (const job of store.list(TYPES.jobs)) reconcileJob(this.context, job, this.jobStarts);
    await runKubelet(this.context, { runtime: this.options.runtime, modeOf: this.options.modeOf, slowStartMs: this.options.slowStartMs, crashLoopMs: Math.max(200, this.options.pace * 10) }, this.podStarts);
    reconcileEndpoints(this.context, this.options.runtime, this.managedEndpoints);
    reconcileEndpointSlices(this.context, this.options.runtime);
    await this.syncServiceProxies();
    this.collectGarbage();
  }

  private async syncServiceProxies(): Promise<void> {
    const services = this.options.store.list(TYPES.services);
    const alive = new Set(services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`));
    for (const key of this.options.proxies.services()) {
      if (alive.has(key)) continue;
      const [namespace, name] = key.split('/');
      this.options.proxies.remove(namespace, name);
    }
    for (const service of services) {
      await this.options.proxies.sync(service.metadata.namespace!, service.metadata.name!, service.spec?.ports ?? []);
    }
  }

  /** Deletes objects all of whose owners are gone (background propagation). */
  private collectGarbage(): void {
    const { store } = this.options;
    const uids = new Set([...store.all()].map((o) => o.metadata.uid));
    for (const type of RESOURCE_TYPES) {
      for (const object of store.list(type)) {
        const owners = object.metadata.ownerReferences ?? [];
        if (owners.length > 0 && owners.every((r) => !uids.has(r.uid))) store.remove(type, object.metadata.namespace, object.metadata.name!);
      }
    }
  }
}
