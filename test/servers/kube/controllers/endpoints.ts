/**
 * The endpoints controller: each Service with a selector gets an Endpoints object listing the
 * pods its selector matches, ready ones under `addresses`, the others under `notReadyAddresses`.
 * Every pod serves on its own loopback port, so each pod gets its own subset with its real port.
 */
import type { PodRuntime } from '../pods.js';
import { mapSelectorMatcher } from '../selectors.js';
import type { KubeObject } from '../types.js';
import { TYPES, createOwned, isPodReady, save, type ControllerContext } from './context.js';
import { NODE_NAME } from './kubelet.js';

export function reconcileEndpoints(context: ControllerContext, runtime: PodRuntime, managed: Set<string>): void {
  const { store } = context;
  const services = store.list(TYPES.services);
  const wanted = new Set<string>();
  for (const service of services) {
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const namespace = service.metadata.namespace!;
    const key = `${namespace}/${service.metadata.name}`;
    wanted.add(key);
    managed.add(key);
    const matches = mapSelectorMatcher(selector);
    const pods = store.list(TYPES.pods, namespace).filter((p) => matches(p.metadata.labels) && p.status?.podIP && !p.metadata.deletionTimestamp);
    const servicePorts: { name?: string; port: number; targetPort?: number | string; protocol?: string }[] = service.spec?.ports ?? [];
    const subsets = pods.map((pod) => {
      const port = runtime.port(pod.metadata.uid!);
      const address = { ip: '127.0.0.1', nodeName: NODE_NAME, targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid } };
      const ports = servicePorts.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: port ?? (typeof p.targetPort === 'number' ? p.targetPort : p.port), protocol: p.protocol ?? 'TCP' }));
      return isPodReady(pod) && port !== undefined ? { addresses: [address], ports } : { notReadyAddresses: [address], ports };
    });
    const existing = store.get(TYPES.endpoints, namespace, service.metadata.name!);
    const body: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: service.metadata.name, namespace, ...(service.metadata.labels ? { labels: { ...service.metadata.labels } } : {}) },
      ...(subsets.length ? { subsets } : {}),
    };
    if (!existing) createOwned(context, TYPES.endpoints, body);
    else save(context, TYPES.endpoints, existing, { ...existing, metadata: { ...existing.metadata, labels: body.metadata.labels }, subsets: body.subsets });
  }
  for (const key of [...managed]) {
    if (wanted.has(key)) continue;
    const [namespace, name] = key.split('/');
    store.remove(TYPES.endpoints, namespace, name);
    managed.delete(key);
  }
}
