/**
 * Bearer-token auth in front of the real registry, as Docker Hub and GHCR do it (the distribution
 * "token authentication" spec): a request without a valid token gets 401 with
 * `WWW-Authenticate: Bearer realm="<here>/token",service="…",scope="repository:<name>:<actions>"`;
 * `GET /token?service=…&scope=…` with Basic credentials answers `{"token","access_token",
 * "expires_in","issued_at"}`; requests with the token are passed to the registry behind, with that
 * registry's own Basic credentials. Not emulated: scope enforcement (a token allows everything),
 * expiry, refresh tokens and the OAuth2 POST form, anonymous tokens.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface TokenRequest {
  service: string | null;
  scope: string | null;
  /** The user whose Basic credentials came with it; undefined when none or wrong. */
  user?: string;
  status: number;
}

export interface TokenAuthRegistry {
  url: string;
  /** `127.0.0.1:<port>`, as it appears in an image reference. */
  host: string;
  service: string;
  tokenRequests: TokenRequest[];
  stop(): Promise<void>;
}

export interface TokenAuthOptions {
  /** The registry behind (plain HTTP). */
  target: string;
  /** Its Basic credentials. */
  targetCredentials: { username: string; password: string };
  /** user → password accepted by the token service. */
  users: Record<string, string>;
  service?: string;
}

function basicUser(header: string | undefined, users: Record<string, string>): string | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && users[user] === decoded.slice(colon + 1) ? user : undefined;
}

/** The scope a registry asks for: the repository in the path, pull (and push for writes). */
function scopeFor(req: IncomingMessage): string {
  const name = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(req.url ?? '')?.[1];
  if (!name) return 'registry:catalog:*';
  return `repository:${name}:${req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'pull,push'}`;
}

export async function startTokenAuthRegistry(options: TokenAuthOptions): Promise<TokenAuthRegistry> {
  const upstream = new URL(options.target);
  const upstreamAuth = `Basic ${Buffer.from(`${options.targetCredentials.username}:${options.targetCredentials.password}`).toString('base64')}`;
  const service = options.service ?? 'sunday-test-registry';
  const tokens = new Set<string>();
  const tokenRequests: TokenRequest[] = [];
  const sockets = new Set<Socket>();
  let url = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x');
    if (path.pathname === '/token') {
      const user = basicUser(req.headers.authorization, options.users);
      const record: TokenRequest = { service: path.searchParams.get('service'), scope: path.searchParams.get('scope'), user, status: user ? 200 : 401 };
      tokenRequests.push(record);
      req.resume();
      if (!user) return json(res, 401, { details: 'incorrect username or password' }, { 'WWW-Authenticate': `Basic realm="${url}/token"` });
      const token = randomBytes(24).toString('hex');
      tokens.add(token);
      return json(res, 200, { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) {
      req.resume();
      return json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: null }] },
        { 'WWW-Authenticate': `Bearer realm="${url}/token",service="${service}",scope="${scopeFor(req)}"`, 'Docker-Distribution-Api-Version': 'registry/2.0' },
      );
    }
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, authorization: upstreamAuth } },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    host: `127.0.0.1:${port}`,
    service,
    tokenRequests,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
