/**
 * The checks' peer in the chaos test: answers `GET /<namespace>/<preview|live>/<path>` with 200,
 * records every request with its time, and on demand holds one kind open (a run stuck in its gate
 * or post-checks, to be killed there) or fails the post-checks of a namespace.
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CheckKind = 'preview' | 'live';

export interface CheckRequest {
  namespace: string;
  kind: CheckKind;
  time: number;
}

export interface CheckServer {
  /** The base URL of a namespace's `preview-url` or `live-url`. */
  url(namespace: string, kind: CheckKind): string;
  requests(namespace: string, kind?: CheckKind): CheckRequest[];
  /** The next request of this kind is held open; resolves when it arrives. */
  hold(namespace: string, kind: CheckKind): Promise<void>;
  /** Post-checks of this namespace answer 503 while set. */
  failLive(namespace: string, fail: boolean): void;
  stop(): Promise<void>;
}

export async function startCheckServer(): Promise<CheckServer> {
  const seen: CheckRequest[] = [];
  const holds = new Map<string, () => void>();
  const failing = new Set<string>();
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const [, namespace = '', kind = ''] = (request.url ?? '').split('/');
    if (kind !== 'preview' && kind !== 'live') return void response.writeHead(404).end();
    seen.push({ namespace, kind, time: Date.now() });
    const key = `${namespace}/${kind}`;
    const arrived = holds.get(key);
    if (arrived) {
      holds.delete(key);
      held.push(response);
      return arrived();
    }
    const fail = kind === 'live' && failing.has(namespace);
    response.writeHead(fail ? 503 : 200, { 'content-type': 'text/plain' }).end(fail ? 'unhealthy' : 'ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (namespace, kind) => `${base}/${namespace}/${kind}`,
    requests: (namespace, kind) => seen.filter((r) => r.namespace === namespace && (!kind || r.kind === kind)),
    hold: (namespace, kind) => new Promise((resolve) => holds.set(`${namespace}/${kind}`, resolve)),
    failLive: (namespace, fail) => void (fail ? failing.add(namespace) : failing.delete(namespace)),
    stop: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
