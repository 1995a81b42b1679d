/**
 * A local forward proxy as a corporate network has one: `CONNECT host:port` tunnels (what clients
 * use for https targets, and what undici and @actions/http-client also use for http targets) and
 * absolute-form requests (`GET http://host/path`, what Node's agents send for http targets). It
 * records every request that went through it; inside a tunnel it reads the plain HTTP request
 * lines, so a test can see which paths passed (a TLS tunnel shows only its CONNECT).
 *
 * Host names under `.test` resolve here to 127.0.0.1: a client that reaches such a name proved that
 * it used the proxy (it cannot resolve the name itself); what a client reaches directly (NO_PROXY)
 * appears on its target and not here.
 * Not emulated: proxy authentication (407), HTTPS to the proxy itself, keep-alive between the proxy
 * and a target for absolute-form requests (each is forwarded on its own connection).
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxiedRequest {
  /** `CONNECT` for a tunnel, else the forwarded request's method. */
  via: 'CONNECT' | 'forward';
  /** host:port the client asked for, as it asked (before `.test` names are resolved). */
  authority: string;
  /** Request lines seen: the forwarded one, or the plain-HTTP ones read inside a tunnel. */
  requests: string[];
}

export interface ProxyServer {
  /** `http://127.0.0.1:<port>`, to put in HTTPS_PROXY / HTTP_PROXY. */
  url: string;
  log: ProxiedRequest[];
  /** The authorities that went through, in order (duplicates kept). */
  authorities(): string[];
  /** Every request line seen, forwarded or tunnelled: `GET /path` (tunnel) or `GET http://host/path`. */
  requestLines(): string[];
  stop(): Promise<void>;
}

const TEST_DOMAIN = /\.test$/i;

function resolveHost(host: string): string {
  return TEST_DOMAIN.test(host) ? '127.0.0.1' : host;
}

function splitAuthority(authority: string, defaultPort: number): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(authority);
  return { host: match?.[1] ?? authority, port: match?.[2] ? Number(match[2]) : defaultPort };
}

const REQUEST_LINE = /(?:^|\r\n)([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/g;

export async function startProxy(): Promise<ProxyServer> {
  const log: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    // Absolute-form: `GET http://host:port/path HTTP/1.1`.
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form request expected');
      return;
    }
    const entry: ProxiedRequest = { via: 'forward', authority: target.host, requests: [`${req.method} ${req.url}`] };
    log.push(entry);
    const upstream = httpRequest(
      { host: resolveHost(target.hostname), port: Number(target.port || 80), method: req.method, path: target.pathname + target.search, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy could not reach ${target.host}: ${error.message}`);
    });
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const authority = req.url ?? '';
    const entry: ProxiedRequest = { via: 'CONNECT', authority, requests: [] };
    log.push(entry);
    const { host, port } = splitAuthority(authority, 443);
    const upstream = connect(port, resolveHost(host), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    let seen = '';
    client.on('data', (chunk: Buffer) => {
      // Only plain HTTP has readable request lines; a TLS handshake never matches.
      seen = (seen + chunk.toString('latin1')).slice(-8192);
      for (const match of seen.matchAll(REQUEST_LINE)) entry.requests.push(`${match[1]} ${match[2]}`);
      seen = seen.slice(seen.lastIndexOf('\r\n') + 2);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', () => {
      if (!client.writableEnded) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      close();
    });
    client.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    authorities: () => log.map((entry) => entry.authority),
    requestLines: () => log.flatMap((entry) => entry.requests),
    stop: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
