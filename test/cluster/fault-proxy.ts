/**
 * A TLS proxy in front of the real kube-apiserver: its URL is the server of the cluster's
 * kubeconfig. It forwards every request as it came, records it as the emulator records requests,
 * and offers the emulator's fault API (test/servers/kube/faults.ts, the same code): the next N
 * matching requests answer 500/409/429, have their connection reset, hang, or a watch is cut or
 * answered with an ERROR 410 event. So every fault test runs on the emulator and on the real
 * control plane.
 *
 * Identity: TLS ends here, so a client certificate cannot travel on. The proxy knows the key of
 * each client certificate the cluster issued and presents the same certificate upstream (a client
 * with another certificate goes on anonymous); bearer tokens are forwarded untouched.
 *
 * The test-facing control API (loopback only, outside Kubernetes' paths) is under
 * `/fault-proxy/v1/`: POST/DELETE `faults`, GET `requests`, plus what the cluster plugs in
 * (`image-modes`, `services/<ns>/<name>`): see cluster-client.ts.
 */
import { X509Certificate } from 'node:crypto';
import { Agent, createServer, request as httpsRequest, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ApiError } from '../servers/kube/errors.js';
import { Faults, requestVerb, type FaultSpec } from '../servers/kube/faults.js';
import { connectionOf, type RecordedRequest } from '../servers/kube/http.js';
import type { IssuedCertificate } from '../servers/kube/tls.js';

export interface FaultProxyOptions {
  /** `https://127.0.0.1:<port>` of kube-apiserver. */
  upstream: string;
  /** PEM of the CA that signed the API server's certificate and the client certificates. */
  caCert: string;
  /** The proxy's own serving certificate. */
  serving: IssuedCertificate;
  /** Client certificates the cluster issued, presented upstream for clients that present them here. */
  identities: IssuedCertificate[];
  /** Extra control routes: `/fault-proxy/v1/<name>…` → handler (JSON body in, JSON out). */
  controls?: Record<string, (request: { method: string; rest: string[]; query: URLSearchParams; body: unknown }) => Promise<unknown> | unknown>;
}

export interface FaultProxy {
  url: string;
  faults: Faults;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/** A FaultSpec as JSON: a RegExp path travels as `{ regexp, flags }`. */
export type WireFaultSpec = Omit<FaultSpec, 'path'> & { path?: string | { regexp: string; flags?: string } };

export function fromWire(spec: WireFaultSpec): FaultSpec {
  const { path, ...rest } = spec;
  return { ...rest, path: typeof path === 'object' ? new RegExp(path.regexp, path.flags) : path };
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

function sendJson(response: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...headers }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  const held = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  // One keep-alive agent per identity: connections made with one client certificate are never
  // reused for another.
  const anonymous = new Agent({ ca: options.caCert, keepAlive: true });
  const agents = new Map(options.identities.map((identity) => [fingerprint(identity.cert), new Agent({ ca: options.caCert, cert: identity.cert, key: identity.key, keepAlive: true })]));
  const agentFor = (request: IncomingMessage): Agent => {
    const peer = (request.socket as TLSSocket).getPeerCertificate?.();
    const digest = peer && 'fingerprint256' in peer ? peer.fingerprint256 : undefined;
    return (digest && agents.get(digest)) || anonymous;
  };

  const control = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const [name, ...rest] = url.pathname.split('/').filter(Boolean).slice(2);
    const method = request.method ?? 'GET';
    try {
      if (name === 'faults' && method === 'POST') {
        faults.add(fromWire((await readJson(request)) as WireFaultSpec));
        return sendJson(response, 201, {});
      }
      if (name === 'faults' && method === 'DELETE') {
        faults.clear(url.searchParams.get('owner') ?? undefined);
        return sendJson(response, 200, {});
      }
      if (name === 'requests' && method === 'GET') return sendJson(response, 200, requests.slice(Number(url.searchParams.get('since') ?? 0)));
      const handler = options.controls?.[name];
      if (!handler) return sendJson(response, 404, { message: `no control ${name}` });
      sendJson(response, 200, await handler({ method, rest, query: url.searchParams, body: await readJson(request) }));
    } catch (error) {
      sendJson(response, 400, { message: (error as Error).message });
    }
  };

  const forward = (request: IncomingMessage, response: ServerResponse, record: RecordedRequest, dropAfterEvents?: number) => {
    const headers = { ...request.headers, host: upstream.host };
    const outgoing = httpsRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, agent: agentFor(request) },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        // Headers go out now, as the API server sent them: Node would hold them until the first
        // body chunk, and a watch with no event yet would leave its client waiting for headers
        // (kubectl rollout status then hung for minutes after printing success: client-go stops
        // an informer only once its pending watch request returns).
        response.flushHeaders();
        if (dropAfterEvents === undefined) return void answer.pipe(response);
        // A cut watch: pass events through, then drop the connection after the Nth, mid-stream.
        let events = 0;
        answer.on('data', (chunk: Buffer) => {
          response.write(chunk);
          events += chunk.toString('utf8').split('\n').length - 1;
          if (events >= dropAfterEvents) {
            answer.destroy();
            response.destroy();
          }
        });
        answer.on('end', () => response.end());
      },
    );
    outgoing.on('error', (error) => {
      if (response.headersSent) return void response.destroy();
      sendJson(response, 502, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `fault proxy: ${error.message}`, code: 502 });
    });
    // A client that goes away (a watch it stopped) ends the upstream request too.
    response.on('close', () => outgoing.destroy());
    record.authenticated = !!request.headers.authorization || agentFor(request) !== anonymous;
    request.pipe(outgoing);
  };

  const server: Server = createServer({ cert: options.serving.cert, key: options.serving.key, ca: options.caCert, requestCert: true, rejectUnauthorized: false }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://proxy');
    if (url.pathname.startsWith('/fault-proxy/v1/')) return void control(request, response, url);
    const method = request.method ?? 'GET';
    const path = url.pathname + url.search;
    const record: RecordedRequest = {
      method,
      path,
      verb: requestVerb(method, path),
      status: 0,
      contentType: request.headers['content-type'],
      connection: connectionOf(request.socket),
      userAgent: request.headers['user-agent'],
      authenticated: !!request.headers.authorization,
      time: Date.now(),
    };
    requests.push(record);
    response.on('finish', () => (record.status = response.statusCode));
    response.on('close', () => (record.status ||= response.statusCode));
    const fault = faults.take(record.verb, method, path);
    switch (fault?.kind) {
      case 'error': {
        const error: ApiError = fault.error;
        return sendJson(response, error.code, error.toStatus(), error.headers);
      }
      case 'reset':
        return void request.socket.destroy();
      case 'hang':
        return void held.add(response);
      case 'watch-gone':
        response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
        return void response.end(fault.event);
      case 'drop-watch':
        return forward(request, response, record, fault.afterEvents);
      default:
        return forward(request, response, record);
    }
  });
  server.on('secureConnection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    faults,
    requests,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      anonymous.destroy();
      for (const agent of agents.values()) agent.destroy();
    },
  };
}
