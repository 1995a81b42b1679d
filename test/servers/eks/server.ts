/**
 * Amazon EKS's DescribeCluster on 127.0.0.1, REST-JSON (`GET /clusters/<name>`), SigV4-checked
 * against credentials the local STS issued: `{cluster: {name, arn, endpoint,
 * certificateAuthority: {data}, status: 'ACTIVE', …}}`, or 404 ResourceNotFoundException.
 * Not emulated: every other EKS operation, node groups, access entries, cluster status changes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { verifySigV4, type SigningCredentials } from '../sts/sigv4.js';
import { listenOnLoopback } from '../loopback.js';

export interface ClusterSpec {
  name: string;
  /** The Kubernetes API URL (a local emulator's). */
  endpoint: string;
  /** Base64 PEM of the CA. */
  caData: string;
  status?: 'ACTIVE' | 'CREATING' | 'UPDATING' | 'DELETING' | 'FAILED';
  version?: string;
}

export interface EksRequestRecord {
  method: string;
  path: string;
  status: number;
  accessKeyId?: string;
  code?: string;
}

export interface EksServer {
  url: string;
  requests: EksRequestRecord[];
  clusters: Map<string, ClusterSpec>;
  stop(): Promise<void>;
}

export interface EksServerOptions {
  lookup: (accessKeyId: string) => SigningCredentials | undefined;
  clusters: ClusterSpec[];
  accountId?: string;
}

export async function startEksServer(options: EksServerOptions): Promise<EksServer> {
  const clusters = new Map(options.clusters.map((c) => [c.name, c]));
  const requests: EksRequestRecord[] = [];
  const accountId = options.accountId ?? '123456789012';
  const created = Math.floor(Date.now() / 1000) - 86_400;

  const json = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = new URL(req.url ?? '/', 'http://eks').pathname;
    const record: EksRequestRecord = { method: req.method ?? 'GET', path, status: 200 };
    requests.push(record);
    const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}) => {
      Object.assign(record, { status, code });
      json(res, status, { ...extra, message }, code);
    };
    const signature = verifySigV4({ method: record.method, url: req.url ?? '/', headers: req.headers, body }, options.lookup);
    if (!signature.ok) {
      return fail(403, signature.code === 'SignatureDoesNotMatch' ? 'InvalidSignatureException' : 'UnrecognizedClientException', signature.message);
    }
    record.accessKeyId = signature.credentials.accessKeyId;
    const match = path.match(/^\/clusters\/([^/]+)$/);
    if (req.method !== 'GET' || !match) return fail(404, 'NotFoundException', 'The resource you requested does not exist.');
    const name = decodeURIComponent(match[1]);
    const cluster = clusters.get(name);
    if (!cluster) return fail(404, 'ResourceNotFoundException', `No cluster found for name: ${name}.`, { clusterName: name });
    json(res, 200, {
      cluster: {
        name: cluster.name,
        arn: `arn:aws:eks:${signature.region}:${accountId}:cluster/${cluster.name}`,
        createdAt: created,
        version: cluster.version ?? '1.32',
        endpoint: cluster.endpoint,
        roleArn: `arn:aws:iam::${accountId}:role/eks-cluster-${cluster.name}`,
        resourcesVpcConfig: { subnetIds: [], securityGroupIds: [], endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ['0.0.0.0/0'] },
        kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
        logging: { clusterLogging: [] },
        identity: { oidc: { issuer: `https://oidc.eks.${signature.region}.amazonaws.com/id/${cluster.name.toUpperCase()}` } },
        status: cluster.status ?? 'ACTIVE',
        certificateAuthority: { data: cluster.caData },
        platformVersion: 'eks.1',
        tags: {},
        accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
      },
    });
  };

  const server = await listenOnLoopback(handle);
  return {
    url: server.url,
    requests,
    clusters,
    stop: server.stop,
  };
}
