/** Prometheus's file_sd targets from a Service's EndpointSlices, as the real-cluster suites write them. */
import { endpointSliceTargets } from './ground.js';
import type { KubeObject } from '../servers/kube/types.js';

const pod = (name: string, color?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: color ? { app: 'web', 'sunday.dev/color': color } : { app: 'web' } } });
const slice = (fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-x1' }, addressType: 'IPv4', ...fields });
const endpoint = (ip: string, podName?: string) => ({ addresses: [ip], ...(podName ? { targetRef: { kind: 'Pod', name: podName } } : {}) });

test('one target per endpoint, on the port named http, labelled with its namespace, pod and colour', () => {
  const slices = [slice({ ports: [{ name: 'metrics-not', port: 9000 }, { name: 'http', port: 8080 }], endpoints: [endpoint('10.213.0.11', 'web-green-b'), endpoint('10.213.0.10', 'web-blue-a')] })];
  expect(endpointSliceTargets('shop', slices, [pod('web-blue-a', 'blue'), pod('web-green-b', 'green')])).toEqual([
    { targets: ['10.213.0.10:8080'], labels: { namespace: 'shop', pod: 'web-blue-a', color: 'blue' } },
    { targets: ['10.213.0.11:8080'], labels: { namespace: 'shop', pod: 'web-green-b', color: 'green' } },
  ]);
});

test.each([
  ['an endpoint with no pod behind it', [slice({ ports: [{ name: 'http', port: 8080 }], endpoints: [endpoint('10.213.0.12')] })]],
  ['a pod without a colour (before the first deploy)', [slice({ ports: [{ name: 'http', port: 8080 }], endpoints: [endpoint('10.213.0.13', 'web-plain')] })]],
  ['a pod not seen yet', [slice({ ports: [{ name: 'http', port: 8080 }], endpoints: [endpoint('10.213.0.14', 'web-blue-new')] })]],
  ['an IPv6 slice', [slice({ addressType: 'IPv6', ports: [{ name: 'http', port: 8080 }], endpoints: [endpoint('fd00::1', 'web-blue-a')] })]],
  ['a slice with no ports (a Service with no selector match yet)', [slice({ ports: null, endpoints: [endpoint('10.213.0.10', 'web-blue-a')] })]],
])('no target for %s', (_case, slices) => {
  expect(endpointSliceTargets('shop', slices, [pod('web-blue-a', 'blue'), pod('web-plain')])).toEqual([]);
});
