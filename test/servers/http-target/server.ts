/**
 * A real HTTP target for smoke checks, on 127.0.0.1: healthy, slow, flaky-then-ok, wrong body,
 * wrong status, redirecting, rate-limiting and hanging endpoints.
 * Not emulated: TLS, HTTP/2, keep-alive tuning — it is a plain node:http server.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenOnLoopback } from '../loopback.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpTarget {
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/** Routes: /ok, /json, /slow?ms=N, /flaky?key=K&fail=N, /status/CODE, /redirect, /hang, /echo, /limited?key=K&n=N&after=S. */
export async function startHttpTarget(version = 'v1'): Promise<HttpTarget> {
  const hits = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const server = await listenOnLoopback((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://target');
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers, body });
    const count = (key: string) => {
      const n = (hits.get(key) ?? 0) + 1;
      hits.set(key, n);
      return n;
    };
    const q = url.searchParams;
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'text/plain', ...headers });
      res.end(text);
    };
    switch (url.pathname) {
      case '/ok':
      case '/healthz':
        return send(200, `ok ${version}`);
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ status: 'ok', version, data: { items: [{ id: 1, name: 'first' }] } }));
      case '/slow':
        return void setTimeout(() => send(200, `slow ${version}`), Number(q.get('ms') ?? 200));
      case '/flaky':
        return count(`flaky:${q.get('key')}`) <= Number(q.get('fail') ?? 2) ? send(503, 'warming up') : send(200, `ok ${version}`);
      case '/limited':
        return count(`limited:${q.get('key')}`) <= Number(q.get('n') ?? 1)
          ? send(429, 'slow down', { 'retry-after': q.get('after') ?? '1' })
          : send(200, `ok ${version}`);
      case '/redirect':
        return send(302, '', { location: '/ok' });
      case '/hang':
        return; // never answers
      case '/echo':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
      default: {
        const status = url.pathname.match(/^\/status\/(\d{3})$/);
        if (status) return send(Number(status[1]), `status ${status[1]}`);
        return send(404, 'not found');
      }
    }
  });
  return { url: server.url, requests, stop: server.stop };
}

/** A loopback URL on which nothing listens: a port bound and released. */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return `http://127.0.0.1:${port}`;
}
