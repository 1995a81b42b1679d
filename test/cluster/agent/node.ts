/**
 * The Node as a kubelet registers it, and its heartbeat: a Lease in kube-node-lease renewed every
 * `renewSeconds` (the node lifecycle controller reads it; without it the node turns Unknown after
 * its grace period, gets tainted, and its pods are evicted).
 */
import { timestamp, type KubeObject } from '../../servers/kube/types.js';
import type { KubeClient } from './kube-client.js';

export const KUBELET_VERSION = 'v1.32.0-sunday-node-agent';

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function nodeObject(nodeName: string, hostAddress: string): KubeObject {
  const resources = { cpu: '8', memory: '16Gi', pods: '250', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName,
      labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64' },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      addresses: [
        { type: 'InternalIP', address: hostAddress },
        { type: 'Hostname', address: nodeName },
      ],
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '',
        osImage: 'sunday node agent',
        containerRuntimeVersion: 'sunday://pods',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

export function nodeConditions(now = new Date()): Record<string, unknown>[] {
  const time = timestamp(now);
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: time, lastTransitionTime: time });
  return [
    condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export interface NodeHeartbeat {
  stop(): void;
}

/** Creates (or takes over) the Node, sets its status Ready, and starts renewing its Lease. */
export async function registerNode(client: KubeClient, nodeName: string, hostAddress: string, options: { renewSeconds?: number; leaseSeconds?: number; log?: (line: string) => void } = {}): Promise<NodeHeartbeat> {
  const body = nodeObject(nodeName, hostAddress);
  const path = `/api/v1/nodes/${nodeName}`;
  const node = (await client.find<KubeObject>(path)) ?? (await client.create<KubeObject>('/api/v1/nodes', body));
  // Whatever the create kept of the status, the status subresource is where a kubelet reports it.
  await client.patch(`${path}/status`, { status: { ...body.status, conditions: nodeConditions() } }, 'strategic');

  const renewSeconds = options.renewSeconds ?? 10;
  const leasePath = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${nodeName}`;
  const lease = {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid! }] },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: options.leaseSeconds ?? 40, renewTime: microTime() },
  };
  if (await client.find(leasePath)) await client.patch(leasePath, { spec: lease.spec });
  else await client.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease);

  // A renewal that fails is logged and tried again at the next tick: the lease lasts 4 ticks.
  const timer = setInterval(() => {
    client.patch(leasePath, { spec: { renewTime: microTime() } }).catch((error: Error) => options.log?.(`lease renewal failed: ${error.message}`));
  }, renewSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
