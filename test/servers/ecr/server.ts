/**
 * Amazon ECR's GetAuthorizationToken on 127.0.0.1, speaking AWS JSON 1.1 (POST /,
 * `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken`), checking the
 * SigV4 signature against credentials the local STS issued. The token is base64 `AWS:<password>`
 * with a password the test chooses, so a local registry can accept it.
 * Not emulated: every other ECR operation, registryIds, per-region endpoints, token expiry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { verifySigV4, type SigningCredentials } from '../sts/sigv4.js';
import { listenOnLoopback } from '../loopback.js';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

export interface EcrRequestRecord {
  target: string;
  status: number;
  accessKeyId?: string;
  code?: string;
}

export interface EcrServer {
  url: string;
  requests: EcrRequestRecord[];
  /** The password inside every token handed out. */
  password: string;
  proxyEndpoint: string;
  /** The next request(s) answer this error. */
  inject(fault: { code: string; status: number; message?: string }, times?: number): void;
  stop(): Promise<void>;
}

export interface EcrServerOptions {
  /** Credentials the server accepts (usually the local STS's `lookup`). */
  lookup: (accessKeyId: string) => SigningCredentials | undefined;
  password?: string;
  /** Default https://123456789012.dkr.ecr.<region>.amazonaws.com; a test registry's URL to push to it. */
  proxyEndpoint?: string;
  accountId?: string;
}

export async function startEcrServer(options: EcrServerOptions): Promise<EcrServer> {
  const password = options.password ?? randomBytes(48).toString('base64');
  const requests: EcrRequestRecord[] = [];
  const faults: Array<{ code: string; status: number; message?: string }> = [];
  let proxyEndpoint = options.proxyEndpoint ?? '';

  const json = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers);
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const record: EcrRequestRecord = { target, status: 200 };
    requests.push(record);
    const fail = (status: number, code: string, message: string) => {
      Object.assign(record, { status, code });
      json(res, status, { __type: code, message }, code);
    };
    if (req.method !== 'POST' || req.url !== '/') return fail(404, 'UnknownOperationException', 'Unknown operation');
    const signature = verifySigV4({ method: 'POST', url: req.url, headers: req.headers, body }, options.lookup);
    if (!signature.ok) {
      return fail(400, signature.code === 'SignatureDoesNotMatch' ? 'InvalidSignatureException' : 'UnrecognizedClientException', signature.message);
    }
    record.accessKeyId = signature.credentials.accessKeyId;
    if (signature.service !== 'ecr') return fail(400, 'InvalidSignatureException', `Credential should be scoped to correct service: 'ecr'.`);
    const fault = faults.shift();
    if (fault) return fail(fault.status, fault.code, fault.message ?? fault.code);
    if (target !== `${TARGET_PREFIX}GetAuthorizationToken`) return fail(400, 'UnknownOperationException', `Operation ${target} is not supported here`);
    const endpoint = proxyEndpoint || `https://${options.accountId ?? '123456789012'}.dkr.ecr.${signature.region}.amazonaws.com`;
    json(res, 200, {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
          // Epoch seconds, as AWS JSON 1.1 sends timestamps.
          expiresAt: Math.floor(Date.now() / 1000) + 12 * 3600,
          proxyEndpoint: endpoint,
        },
      ],
    });
  };

  const server = await listenOnLoopback(handle);
  return {
    url: server.url,
    requests,
    password,
    get proxyEndpoint() {
      return proxyEndpoint;
    },
    set proxyEndpoint(value: string) {
      proxyEndpoint = value;
    },
    inject: (fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    stop: server.stop,
  };
}
