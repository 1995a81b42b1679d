/**
 * kube-proxy in miniature: every Service port gets a local TCP port, and each new connection to
 * it goes to the backend the picker names at that moment (the emulator: a ready pod the selector
 * matches now; the real cluster's node agent: a ready endpoint of the Service's EndpointSlices).
 * No backend: the connection is reset, as a Service without endpoints refuses traffic.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

/** Finds a ready backend for a Service port at connection time. */
export type BackendPicker = (namespace: string, service: string, servicePort: number) => Backend | undefined;

interface Listener {
  server: Server;
  port: number;
  sockets: Set<Socket>;
}

export class ServiceProxies {
  /** `ns/name` → service port (number) → listener. */
  private readonly listeners = new Map<string, Map<number, Listener>>();
  private stopped = false;

  constructor(private readonly pickBackend: BackendPicker) {}

  /** Makes sure each port of a Service has a local listener; closes listeners of ports it lost. */
  async sync(namespace: string, name: string, servicePorts: { port: number; name?: string }[]): Promise<void> {
    const key = `${namespace}/${name}`;
    const current = this.listeners.get(key) ?? new Map<number, Listener>();
    this.listeners.set(key, current);
    for (const [port, listener] of current) {
      if (!servicePorts.some((p) => p.port === port)) {
        this.close(listener);
        current.delete(port);
      }
    }
    for (const { port } of servicePorts) {
      if (current.has(port)) continue;
      const listener = await this.listen(namespace, name, port);
      // A concurrent sync, a remove or a stop may have come while it started listening: one
      // listener per port, none after a stop (a leaked listener kept jest from exiting).
      if (this.stopped || current.has(port) || this.listeners.get(key) !== current) this.close(listener);
      else current.set(port, listener);
    }
  }

  remove(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    for (const listener of this.listeners.get(key)?.values() ?? []) this.close(listener);
    this.listeners.delete(key);
  }

  services(): string[] {
    return [...this.listeners.keys()];
  }

  /** The local port that stands for one port of a Service (the first port when none is named). */
  localPort(namespace: string, name: string, servicePort?: number): number | undefined {
    const ports = this.listeners.get(`${namespace}/${name}`);
    if (!ports) return undefined;
    if (servicePort === undefined) return ports.values().next().value?.port;
    return ports.get(servicePort)?.port;
  }

  stopAll(): void {
    this.stopped = true;
    for (const key of this.services()) {
      const [namespace, name] = key.split('/');
      this.remove(namespace, name);
    }
  }

  private async listen(namespace: string, name: string, servicePort: number): Promise<Listener> {
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const backend = this.pickBackend(namespace, name, servicePort);
      if (backend === undefined) {
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(backend.port, backend.host);
      sockets.add(client).add(upstream);
      const cleanup = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', cleanup).on('close', cleanup);
      upstream.on('error', cleanup).on('close', cleanup);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port, sockets };
  }

  private close(listener: Listener): void {
    listener.server.close();
    for (const socket of listener.sockets) socket.destroy();
  }
}

/** Forwards one HTTP request to a pod's server, as the API server's `…/proxy/<path>` subresources do. */
export function forwardHttp(request: IncomingMessage, response: ServerResponse, port: number, path: string): void {
  const headers = { ...request.headers };
  delete headers.authorization;
  delete headers.host;
  const upstream = httpRequest({ host: '127.0.0.1', port, method: request.method, path, headers }, (answer) => {
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(503, { 'content-type': 'text/plain' });
    response.end(`Error trying to reach service: ${error.message}`);
  });
  request.pipe(upstream);
}
