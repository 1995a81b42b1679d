/**
 * Amazon ECR's GetAuthorizationToken and DescribeRepositories on 127.0.0.1, speaking AWS JSON 1.1
 * (POST /, `X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>`), checking the SigV4
 * signature against credentials the local STS issued. The token is base64 `AWS:<password>` with a
 * password the test chooses, so a local registry can accept it. Repositories answer their
 * `imageTagMutability` (and `imageTagMutabilityExclusionFilters` for the `_WITH_EXCLUSION` settings).
 * Not emulated: every other ECR operation, registryIds, pagination, per-region endpoints, token expiry.
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

export interface EcrRepository {
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';
  /** WILDCARD filters, for the `_WITH_EXCLUSION` settings. */
  exclusions?: string[];
}

export interface EcrServerOptions {
  /** Repositories by name; when not given every name exists and is MUTABLE. */
  repositories?: Record<string, EcrRepository>;
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
    const account = options.accountId ?? '123456789012';
    if (target === `${TARGET_PREFIX}DescribeRepositories`) {
      const names: string[] = JSON.parse(body || '{}').repositoryNames ?? Object.keys(options.repositories ?? {});
      const missing = names.find((name) => options.repositories && !options.repositories[name]);
      if (missing) return fail(400, 'RepositoryNotFoundException', `The repository with name '${missing}' does not exist in the registry with id '${account}'`);
      return json(res, 200, {
        repositories: names.map((name) => {
          const repository = options.repositories?.[name] ?? { imageTagMutability: 'MUTABLE' };
          return {
            repositoryArn: `arn:aws:ecr:${signature.region}:${account}:repository/${name}`,
            registryId: account,
            repositoryName: name,
            repositoryUri: `${account}.dkr.ecr.${signature.region}.amazonaws.com/${name}`,
            createdAt: 1_735_689_600,
            imageTagMutability: repository.imageTagMutability,
            ...(repository.imageTagMutability.endsWith('_WITH_EXCLUSION')
              ? { imageTagMutabilityExclusionFilters: (repository.exclusions ?? []).map((filter) => ({ filterType: 'WILDCARD', filter })) }
              : {}),
            imageScanningConfiguration: { scanOnPush: false },
            encryptionConfiguration: { encryptionType: 'AES256' },
          };
        }),
      });
    }
    if (target !== `${TARGET_PREFIX}GetAuthorizationToken`) return fail(400, 'UnknownOperationException', `Operation ${target} is not supported here`);
    const endpoint = proxyEndpoint || `https://${account}.dkr.ecr.${signature.region}.amazonaws.com`;
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
