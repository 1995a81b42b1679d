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

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

/**
 * The EndpointSlice controller: each Service with a selector gets EndpointSlices (label
 * `kubernetes.io/service-name`) listing the pods its selector matches, with `ready`, `serving` and
 * `terminating` conditions. A slice holds endpoints that share one port list; every pod here serves
 * on its own port, so each pod gets a slice of its own (named after the pod, where the real
 * controller generates a name). A Service matching no pod keeps one empty slice, as the real one does.
 */
export function reconcileEndpointSlices(context: ControllerContext, runtime: PodRuntime): void {
  const { store } = context;
  const wanted = new Set<string>();
  for (const service of store.list(TYPES.services)) {
    const selector = service.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const namespace = service.metadata.namespace!;
    const serviceName = service.metadata.name!;
    const matches = mapSelectorMatcher(selector);
    const pods = store.list(TYPES.pods, namespace).filter((p) => matches(p.metadata.labels) && p.status?.podIP);
    const servicePorts: { name?: string; port: number; targetPort?: number | string; protocol?: string }[] = service.spec?.ports ?? [];
    const labels = { ...service.metadata.labels, [SERVICE_NAME_LABEL]: serviceName, [MANAGED_BY_LABEL]: MANAGED_BY };
    const owner = { apiVersion: 'v1', kind: 'Service', name: serviceName, uid: service.metadata.uid!, controller: true, blockOwnerDeletion: true };
    const slices = pods.map((pod) => {
      const port = runtime.port(pod.metadata.uid!);
      const terminating = Boolean(pod.metadata.deletionTimestamp);
      const ready = isPodReady(pod) && port !== undefined && !terminating;
      return {
        name: `${serviceName}-${pod.metadata.name}`.slice(0, 253),
        endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready, serving: isPodReady(pod), terminating }, nodeName: NODE_NAME, targetRef: { kind: 'Pod', namespace, name: pod.metadata.name, uid: pod.metadata.uid } }],
        ports: servicePorts.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: port ?? (typeof p.targetPort === 'number' ? p.targetPort : p.port), protocol: p.protocol ?? 'TCP' })),
      };
    });
    if (slices.length === 0) slices.push({ name: `${serviceName}-empty`, endpoints: [], ports: [] });
    for (const slice of slices) {
      wanted.add(`${namespace}/${slice.name}`);
      const body: KubeObject = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: slice.name, namespace, labels, ownerReferences: [owner] },
        addressType: 'IPv4',
        endpoints: slice.endpoints,
        ports: slice.ports,
      };
      const existing = store.get(TYPES.endpointSlices, namespace, slice.name);
      if (!existing) createOwned(context, TYPES.endpointSlices, body);
      else save(context, TYPES.endpointSlices, existing, { ...existing, metadata: { ...existing.metadata, labels }, endpoints: body.endpoints, ports: body.ports });
    }
  }
  // Slices of pods gone, of Services gone or without a selector: removed, as the controller does.
  for (const slice of store.list(TYPES.endpointSlices)) {
    if (slice.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) continue;
    if (!wanted.has(`${slice.metadata.namespace}/${slice.metadata.name}`)) store.remove(TYPES.endpointSlices, slice.metadata.namespace!, slice.metadata.name!);
  }
}
