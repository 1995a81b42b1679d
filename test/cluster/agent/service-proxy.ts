/**
 * The kube-proxy part of the node agent: every published Service port gets a local TCP port
 * (the emulator's ServiceProxies), and each new connection goes to a ready endpoint of the
 * Service's EndpointSlices as the agent last saw them through its watch — never to what the
 * selector matches now. After a selector change, traffic moves only once the EndpointSlice
 * controller has rewritten the slices and the watch has brought them here: the propagation delay
 * of a real cluster.
 */
import { ServiceProxies, type Backend } from '../../servers/kube/service-proxy.js';
import type { KubeObject } from '../../servers/kube/types.js';
import type { Informer } from './informer.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
}

interface EndpointSlice extends KubeObject {
  addressType?: string;
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean | null } }[] | null;
}

/** The ready endpoints (address and target port) for one port of a Service, from its EndpointSlices. */
export function readyBackends(service: KubeObject, servicePort: number, slices: KubeObject[]): Backend[] {
  const port = (service.spec?.ports as ServicePort[] | undefined)?.find((p) => p.port === servicePort);
  if (!port) return [];
  const portName = port.name ?? '';
  const backends: Backend[] = [];
  for (const slice of slices as EndpointSlice[]) {
    if (slice.metadata.namespace !== service.metadata.namespace || slice.metadata.labels?.[SERVICE_NAME_LABEL] !== service.metadata.name) continue;
    if (slice.addressType && slice.addressType !== 'IPv4') continue;
    const target = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
    if (!target?.port) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // A nil `ready` means ready (EndpointSlice API: "unknown state should be interpreted as ready").
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses.slice(0, 1)) backends.push({ host: address, port: target.port });
    }
  }
  return backends.sort((a, b) => `${a.host}:${a.port}`.localeCompare(`${b.host}:${b.port}`));
}

export class KubeProxy {
  private readonly turns = new Map<string, number>();
  /** Rechecks of untilBackends callers, run on each EndpointSlice or Service change the watch brings. */
  private readonly waiters = new Set<() => void>();
  readonly proxies: ServiceProxies;

  constructor(
    private readonly services: Informer,
    private readonly slices: Informer,
  ) {
    this.proxies = new ServiceProxies((namespace, name, servicePort) => this.pick(namespace, name, servicePort));
  }

  /** `http://127.0.0.1:<port>` for a port of a Service (its first when none is given). */
  async serviceUrl(namespace: string, name: string, port?: number, fetchService?: () => Promise<KubeObject | undefined>): Promise<string> {
    // A Service created a moment ago may not have come through the watch yet.
    const service = this.services.get(namespace, name) ?? (await fetchService?.());
    if (!service) throw new Error(`node agent: service ${namespace}/${name} not found`);
    await this.proxies.sync(namespace, name, service.spec?.ports ?? []);
    const local = this.proxies.localPort(namespace, name, port);
    if (local === undefined) throw new Error(`node agent: service ${namespace}/${name} has no port ${port ?? ''}`);
    return `http://127.0.0.1:${local}`;
  }

  /**
   * Resolves once this agent's own view (its watch, which may trail the API server) sends a Service
   * port's connections to `count` ready endpoints: what a test waits for before it counts which pods
   * answered. The port defaults to the Service's first.
   */
  untilBackends(namespace: string, name: string, count: number, port?: number, timeoutMs = 30_000): Promise<void> {
    const seen = () => this.backends(namespace, name, port).length;
    if (seen() === count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const recheck = () => {
        if (seen() !== count) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`node agent: service ${namespace}/${name} still has ${seen()} ready endpoints in the agent's view after ${timeoutMs} ms (waited for ${count})`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(recheck);
      };
      this.waiters.add(recheck);
    });
  }

  /** Tells waiters that the watch brought a change of EndpointSlices or Services. */
  changed(): void {
    for (const recheck of [...this.waiters]) recheck();
  }

  /** Keeps published listeners in step with their Service's ports. */
  onService(type: 'ADDED' | 'MODIFIED' | 'DELETED', service: KubeObject): void {
    this.changed();
    const { namespace, name } = service.metadata;
    if (!this.proxies.services().includes(`${namespace}/${name}`)) return;
    if (type === 'DELETED') this.proxies.remove(namespace!, name!);
    else void this.proxies.sync(namespace!, name!, service.spec?.ports ?? []);
  }

  stop(): void {
    this.proxies.stopAll();
  }

  /** The ready endpoints of a Service's port (its first when none is given), as this agent's watch has them. */
  private backends(namespace: string, name: string, port?: number): Backend[] {
    const service = this.services.get(namespace, name);
    const servicePort = port ?? (service?.spec?.ports as ServicePort[] | undefined)?.[0]?.port;
    return service !== undefined && servicePort !== undefined ? readyBackends(service, servicePort, this.slices.items()) : [];
  }

  private pick(namespace: string, name: string, servicePort: number): Backend | undefined {
    const backends = this.backends(namespace, name, servicePort);
    if (backends.length === 0) return undefined;
    const key = `${namespace}/${name}:${servicePort}`;
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return backends[turn % backends.length];
  }
}
