/**
 * A node agent in place of the kubelet and kube-proxy, for the real control plane of test/cluster:
 * it registers a Node that stays Ready (Lease heartbeats), runs every pod the scheduler binds to it
 * as a real HTTP server on its own address of the pod network (in the pod host, see pod-host.ts),
 * probes readiness, reports pod status, runs Jobs' pods to completion, honours deletion, and gives
 * each published Service port a local port that forwards to the Service's ready EndpointSlice
 * endpoints. Everything it learns comes from watches. See README.md (needs root and iproute2).
 */
import { ImageModes } from '../../servers/kube/pods.js';
import { IMAGE_MODES, isImageMode, type ImageMode } from '../../servers/kube/types.js';
import type { PodNetwork } from '../network/index.js';
import { Informer } from './informer.js';
import { createKubeClient } from './kube-client.js';
import { Kubelet } from './kubelet.js';
import { registerNode } from './node.js';
import { startPodHost } from './pod-host-client.js';
import { KubeProxy } from './service-proxy.js';

export interface NodeAgentOptions {
  /** An admin kubeconfig: its text, or the path of its file. */
  kubeconfig: string;
  nodeName: string;
  network: PodNetwork;
  /** Failure modes by image substring, as the emulator's `faultImages`. */
  faultImages?: Record<string, ImageMode>;
  /** How long a `slow` image delays its start and each answer, in ms. Default 300. */
  slowMs?: number;
  /** How long one of the API's seconds (probe periods and delays) lasts, in ms. Default 1000. */
  secondMs?: number;
  /** How often a crash-looping container restarts, in ms. Default 2000. */
  crashLoopMs?: number;
  /** How long a Job's container runs before it ends, in ms. Default 200. */
  jobRunMs?: number;
  /** Lease renewal period in seconds. Default 10. */
  leaseRenewSeconds?: number;
  /** Where the agent's few log lines go (watch retries, failed writes). Default: nowhere. */
  log?: (line: string) => void;
}

export interface NodeAgent {
  nodeName: string;
  /** `http://127.0.0.1:<port>`: a local port whose new connections go to the Service's ready EndpointSlice endpoints. */
  serviceUrl(namespace: string, name: string, port?: number): Promise<string>;
  /** Resolves once the agent's own watch-fed view sends the Service's connections to `count` ready endpoints. */
  untilBackends(namespace: string, name: string, count: number, port?: number): Promise<void>;
  /** Sets the failure mode of images whose name contains `substring` ('ok' to heal). */
  setImageMode(substring: string, mode: ImageMode): void;
  /** How often each informer relisted (after ERROR events or 410s), by resource. */
  relists(): Record<string, number>;
  stop(): Promise<void>;
}

export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(options.nodeName)) throw new Error(`node agent: nodeName must be a DNS subdomain, got ${options.nodeName}`);
  const log = options.log ?? (() => undefined);
  const modes = new ImageModes(options.faultImages);
  const client = await createKubeClient(options.kubeconfig, { userAgent: `sunday-node-agent/${options.nodeName}` });
  const host = await startPodHost(options.network, { slowMs: options.slowMs });
  const cleanups: (() => Promise<void> | void)[] = [() => host.close(), () => client.close()];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    for (const [substring, mode] of modes.entries()) await host.setMode(substring, mode);
    const heartbeat = await registerNode(client, options.nodeName, options.network.hostAddress, { renewSeconds: options.leaseRenewSeconds, log });
    cleanups.push(() => heartbeat.stop());

    const kubelet = new Kubelet({
      client,
      host,
      network: options.network,
      modes,
      slowMs: options.slowMs ?? 300,
      secondMs: options.secondMs ?? 1000,
      crashLoopMs: options.crashLoopMs ?? 2000,
      jobRunMs: options.jobRunMs ?? 200,
      log,
    });
    const pods = new Informer(client, { path: '/api/v1/pods', fieldSelector: `spec.nodeName=${options.nodeName}`, log }, (type, pod) => kubelet.onPod(type, pod));
    // The handler runs only once the informers start, after kubeProxy exists.
    const services = new Informer(client, { path: '/api/v1/services', log }, (type, service) => kubeProxy.onService(type, service));
    const slices = new Informer(client, { path: '/apis/discovery.k8s.io/v1/endpointslices', log }, () => kubeProxy.changed());
    const kubeProxy = new KubeProxy(services, slices);
    cleanups.push(() => kubelet.stopAll());
    for (const informer of [pods, services, slices]) {
      await informer.start();
      cleanups.push(() => informer.stop());
    }
    cleanups.push(() => kubeProxy.stop());

    return {
      nodeName: options.nodeName,
      serviceUrl: (namespace, name, port) => kubeProxy.serviceUrl(namespace, name, port, () => client.find(`/api/v1/namespaces/${namespace}/services/${name}`)),
      untilBackends: (namespace, name, count, port) => kubeProxy.untilBackends(namespace, name, count, port),
      setImageMode: (substring, mode) => {
        if (!isImageMode(mode)) throw new Error(`node agent: unknown image mode ${mode} (expected one of ${IMAGE_MODES.join(', ')}, errors:<N>, latency:<ms>)`);
        modes.set(substring, mode);
        void host.setMode(substring, mode).then(
          () => kubelet.syncAll(),
          (error: Error) => log(`image mode ${substring}=${mode}: ${error.message}`),
        );
      },
      relists: () => ({ pods: pods.relists, services: services.relists, endpointslices: slices.relists }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
