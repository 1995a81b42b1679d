/**
 * Stands in for Amazon Managed Service for Prometheus: the query API of one workspace
 * (`/workspaces/<id>/api/v1/query`) behind a SigV4 check (service `aps`, the workspace's region,
 * credentials the local STS issued), relayed to a real Prometheus. Refusals are AMP's: HTTP 403 with
 * a JSON `message`. Not emulated: remote write, rule groups, alert manager, per-workspace quotas.
 */
import { request } from 'node:http';
import { verifySigV4, type SigningCredentials } from '../sts/sigv4.js';
import { listenOnLoopback } from '../loopback.js';

export interface AmpRequestRecord {
  path: string;
  status: number;
  accessKeyId?: string;
  region?: string;
}

export interface AmpServer {
  /** The workspace's query base URL: `http://127.0.0.1:<port>/workspaces/<id>`. */
  workspaceUrl: string;
  requests: AmpRequestRecord[];
  stop(): Promise<void>;
}

export interface AmpServerOptions {
  /** The real Prometheus the queries go to. */
  prometheusUrl: string;
  lookup: (accessKeyId: string) => SigningCredentials | undefined;
  region: string;
  workspaceId?: string;
}

export async function startAmpServer(options: AmpServerOptions): Promise<AmpServer> {
  const workspace = options.workspaceId ?? 'ws-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  const prefix = `/workspaces/${workspace}`;
  const requests: AmpRequestRecord[] = [];
  const server = await listenOnLoopback((req, res, body) => {
    const record: AmpRequestRecord = { path: req.url ?? '', status: 200 };
    requests.push(record);
    const refuse = (status: number, message: string) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
    };
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (!url.pathname.startsWith(`${prefix}/api/v1/`)) return refuse(404, `No workspace or API at ${url.pathname}`);
    const signature = verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body }, options.lookup);
    if (!signature.ok) return refuse(403, signature.message);
    Object.assign(record, { accessKeyId: signature.credentials.accessKeyId, region: signature.region });
    if (signature.service !== 'aps') return refuse(403, `Credential should be scoped to correct service: 'aps'.`);
    if (signature.region !== options.region) return refuse(403, `Credential should be scoped to a valid region, not '${signature.region}'.`);
    const upstream = new URL(options.prometheusUrl);
    const relay = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: url.pathname.slice(prefix.length) + url.search, headers: { 'content-type': req.headers['content-type'] ?? '' } },
      (answer) => {
        record.status = answer.statusCode ?? 502;
        res.writeHead(record.status, { 'content-type': answer.headers['content-type'] ?? 'application/json' });
        answer.pipe(res);
      },
    );
    relay.on('error', (error) => refuse(503, `upstream unavailable: ${error.message}`));
    relay.end(body);
  });
  return { workspaceUrl: `${server.url}${prefix}`, requests, stop: server.stop };
}
