/**
 * A small HTTP proxy in front of a registry that injects faults: an HTTP status (e.g. 503) the next
 * N times a request matches, a connection reset, or a manifest list that loses a platform on its
 * way in (so the registry really stores a list without it). Everything else is passed through
 * unchanged, Host header included, so the registry's absolute `Location` URLs point back here.
 * Records every request. Not emulated: TLS (a TLS hello gets the 400 Node answers to garbage),
 * HTTP/2, proxying to anything but a plain-HTTP target.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RequestMatch {
  method?: string;
  /** Tested against the path with its query. */
  path?: RegExp;
}

export type Fault =
  | { kind: 'status'; status: number; times: number; when: RequestMatch }
  | { kind: 'reset'; times: number; when: RequestMatch }
  /** Rewrites pushed manifest lists (PUT of an OCI index / Docker list) without this `os/arch[/variant]`. */
  | { kind: 'drop-platform'; platform: string };

/** The request that starts every blob upload (`POST /v2/<name>/blobs/uploads/`). */
export const BLOB_UPLOAD_START: RequestMatch = { method: 'POST', path: /^\/v2\/.+\/blobs\/uploads\/(\?.*)?$/ };

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The status sent back ('reset' when the connection was cut). */
  status: number | 'reset';
  injected: boolean;
}

export interface FaultProxy {
  url: string;
  /** `127.0.0.1:<port>`, as it appears in an image reference. */
  host: string;
  requests: ProxiedRequest[];
  inject(fault: Fault): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

const LIST_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

function matches(req: IncomingMessage, when: RequestMatch): boolean {
  return (!when.method || req.method === when.method) && (!when.path || when.path.test(req.url ?? ''));
}

function platformOf(entry: { platform?: { os?: string; architecture?: string; variant?: string } }): string {
  const p = entry.platform ?? {};
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let faults: Array<Fault & { used?: number }> = [];
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();

  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const headers = { ...req.headers };
    if (body) headers['content-length'] = String(body.length);
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (upstreamRes) => {
        requests.push({ method: req.method ?? '', path: req.url ?? '', status: upstreamRes.statusCode ?? 0, injected: false });
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    if (body) out.end(body);
    else req.pipe(out);
  };

  const server = createServer((req, res) => {
    for (const fault of faults) {
      if (fault.kind === 'drop-platform') continue;
      if ((fault.used ?? 0) >= fault.times || !matches(req, fault.when)) continue;
      fault.used = (fault.used ?? 0) + 1;
      if (fault.kind === 'reset') {
        requests.push({ method: req.method ?? '', path: req.url ?? '', status: 'reset', injected: true });
        req.socket.resetAndDestroy();
        return;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', status: fault.status, injected: true });
      req.resume();
      const body = JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'service unavailable', detail: 'injected by the fault proxy' }] });
      res.writeHead(fault.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      res.end(body);
      return;
    }
    const drop = faults.find((f) => f.kind === 'drop-platform');
    const isListPut = req.method === 'PUT' && /\/manifests\//.test(req.url ?? '') && LIST_TYPES.includes(String(req.headers['content-type']));
    if (drop && isListPut) {
      void readBody(req).then((raw) => {
        const list = JSON.parse(raw.toString('utf8')) as { manifests: Array<{ platform?: { os?: string; architecture?: string } }> };
        list.manifests = list.manifests.filter((entry) => platformOf(entry) !== drop.platform);
        forward(req, res, Buffer.from(JSON.stringify(list)));
      });
      return;
    }
    forward(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    inject: (fault) => faults.push({ ...fault }),
    clearFaults: () => (faults = []),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
