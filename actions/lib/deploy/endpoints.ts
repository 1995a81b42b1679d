/**
 * A Service's traffic moves when its endpoints do, not when its selector does: after a switch the
 * EndpointSlice controller rewrites the Service's EndpointSlices (what kube-proxy routes by) and
 * the endpoints controller its Endpoints (what the API server's service proxy reads), a moment
 * later. Until they list only the pods the new selector picks, requests still reach the old ones:
 * post-checks would judge the old release, and a scale-down would cut live traffic.
 */
import type { Cluster } from './kube.js';
import type { KubeObject } from './model.js';

/** The names of the pods an EndpointSlice sends traffic to (ready, or readiness unknown, as kube-proxy reads it). */
export function sliceTargets(slices: KubeObject[]): string[] {
  return slices.flatMap((slice) =>
    ((slice.endpoints ?? []) as Array<{ conditions?: { ready?: boolean }; targetRef?: { kind?: string; name?: string } }>)
      .filter((endpoint) => endpoint.conditions?.ready !== false)
      .map((endpoint) => endpoint.targetRef?.name ?? '?'),
  );
}

/** The names of the pods an Endpoints object lists as ready (`addresses`; `notReadyAddresses` get no traffic). */
export function endpointsTargets(endpoints: KubeObject | undefined): string[] {
  return ((endpoints?.subsets ?? []) as Array<{ addresses?: Array<{ targetRef?: { name?: string } }> }>).flatMap((subset) => (subset.addresses ?? []).map((address) => address.targetRef?.name ?? '?'));
}

/** True when traffic goes to `targets` only, and to at least one of them, all among `pods`. */
export function onlyAmong(targets: string[], pods: ReadonlySet<string>): boolean {
  return targets.length > 0 && targets.every((name) => pods.has(name));
}

export function labelSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

export interface EndpointsWait {
  namespace: string;
  service: string;
  /** The Service's selector as just written. */
  selector: Record<string, string>;
  /** Checks go through the API server's service proxy next: its Endpoints must follow too. */
  viaProxy: boolean;
  timeoutMs: number;
}

/** Waits (watching) until the Service's EndpointSlices — and, `viaProxy`, its Endpoints — list only pods its selector picks. */
export async function waitEndpoints(cluster: Cluster, wait: EndpointsWait): Promise<string> {
  const { namespace, service, timeoutMs } = wait;
  const pods = await cluster.list('v1', 'Pod', namespace, labelSelector(wait.selector));
  const names = new Set(pods.filter((pod) => !pod.metadata.deletionTimestamp).map((pod) => pod.metadata.name as string));
  const describe = (targets: string[]) => (targets.length ? `${targets.length} endpoint(s), ${targets.filter((name) => !names.has(name)).length} of other pods` : 'no ready endpoint');
  const stop = new AbortController();
  const slices = cluster.waitForList(
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace, labelSelector: `kubernetes.io/service-name=${service}` },
    `the EndpointSlices of ${service} to list only the pods it now selects`,
    timeoutMs,
    (items) => {
      const targets = sliceTargets(items);
      return onlyAmong(targets, names) ? { value: targets.length } : undefined;
    },
    stop.signal,
  );
  const endpoints = wait.viaProxy
    ? cluster.waitForList(
        { apiVersion: 'v1', kind: 'Endpoints', namespace, fieldSelector: `metadata.name=${service}` },
        `the Endpoints of ${service} (read by the API server's proxy) to list only the pods it now selects`,
        timeoutMs,
        (items) => (onlyAmong(endpointsTargets(items[0]), names) ? { value: true } : undefined),
        stop.signal,
      )
    : undefined;
  const [count] = await Promise.all([slices, endpoints]).catch(async (error: Error) => {
    stop.abort();
    // Say what the endpoints list instead, for the log and the summary.
    const items = await cluster.list('discovery.k8s.io/v1', 'EndpointSlice', namespace, `kubernetes.io/service-name=${service}`).catch(() => []);
    throw new Error(`${error.message} (EndpointSlices: ${describe(sliceTargets(items))})`, { cause: error });
  });
  return `${service}'s EndpointSlices${wait.viaProxy ? ' and Endpoints' : ''} list only its ${count} ready pod(s) of ${labelSelector(wait.selector)}`;
}
