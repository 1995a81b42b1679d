/**
 * The EKS bearer token format (`aws eks get-token`, aws-iam-authenticator): `k8s-aws-v1.` +
 * base64url, without padding, of a SigV4-presigned STS GetCallerIdentity URL whose signed headers
 * include `x-k8s-aws-id: <cluster>`. This module reads and checks such tokens; it loads no SDK, so
 * a Kubernetes API emulator can use verifyEksToken as its token check.
 */

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** `aws eks get-token` presigns for 60 s; aws-iam-authenticator accepts URLs signed up to 15 minutes ago. */
export const EKS_TOKEN_EXPIRES_SECONDS = 60;
const MAX_AGE_MS = 15 * 60_000;
const AWS_STS_HOST = /^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/;

export class EksTokenError extends Error {
  constructor(message: string) {
    super(`EKS token rejected: ${message}`);
    this.name = 'EksTokenError';
  }
}

export function encodeEksToken(presignedUrl: string): string {
  return EKS_TOKEN_PREFIX + Buffer.from(presignedUrl, 'utf8').toString('base64url');
}

/** The presigned URL inside a token, after checking its shape (not its signature). */
export function decodeEksToken(token: string, now = Date.now()): URL {
  if (!token.startsWith(EKS_TOKEN_PREFIX)) throw new EksTokenError(`it does not start with ${EKS_TOKEN_PREFIX}`);
  const encoded = token.slice(EKS_TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new EksTokenError('it is not base64url without padding');
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new EksTokenError('it does not hold a URL');
  }
  const query = url.searchParams;
  const expect = (name: string, value: string) => {
    if (query.get(name) !== value) throw new EksTokenError(`${name} must be ${value}`);
  };
  expect('Action', 'GetCallerIdentity');
  expect('Version', '2011-06-15');
  expect('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  if (url.pathname !== '/') throw new EksTokenError('the path must be /');
  const credential = (query.get('X-Amz-Credential') ?? '').split('/');
  if (credential.length !== 5 || credential[3] !== 'sts' || credential[4] !== 'aws4_request') {
    throw new EksTokenError('X-Amz-Credential must be scoped to sts');
  }
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes(CLUSTER_ID_HEADER)) {
    throw new EksTokenError(`X-Amz-SignedHeaders must include host and ${CLUSTER_ID_HEADER}`);
  }
  if (!/^[0-9a-f]{64}$/.test(query.get('X-Amz-Signature') ?? '')) throw new EksTokenError('X-Amz-Signature is missing');
  const date = (query.get('X-Amz-Date') ?? '').match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (!date) throw new EksTokenError('X-Amz-Date is missing');
  const signedAt = Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]);
  const expires = Number(query.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires <= 0) throw new EksTokenError('X-Amz-Expires is missing');
  if (now - signedAt > MAX_AGE_MS || now > signedAt + expires * 1000) throw new EksTokenError('it has expired');
  return url;
}

export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
}

export interface VerifyEksTokenOptions {
  /** STS hosts the URL may point at; default AWS's (sts.amazonaws.com, sts.<region>.amazonaws.com[.cn]). */
  allowedHosts?: Array<string | RegExp>;
  fetch?: typeof fetch;
  now?: number;
}

/**
 * Checks a bearer token as EKS does: its shape, the STS host, then the signature — by calling the
 * presigned GetCallerIdentity URL with `x-k8s-aws-id: <clusterName>`; STS answers only if the
 * token was signed for that cluster. Returns who the caller is.
 */
export async function verifyEksToken(token: string, clusterName: string, options: VerifyEksTokenOptions = {}): Promise<CallerIdentity> {
  const url = decodeEksToken(token, options.now);
  const hosts = options.allowedHosts ?? [AWS_STS_HOST];
  if (!hosts.some((host) => (typeof host === 'string' ? host === url.host : host.test(url.host)))) {
    throw new EksTokenError(`${url.host} is not an STS endpoint`);
  }
  const response = await (options.fetch ?? fetch)(url, { headers: { [CLUSTER_ID_HEADER]: clusterName } });
  const body = await response.text();
  const field = (name: string) => body.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];
  if (!response.ok) throw new EksTokenError(`STS answered ${response.status} ${field('Code') ?? ''} (wrong cluster, or a bad signature)`.trim());
  const arn = field('Arn');
  const account = field('Account');
  const userId = field('UserId');
  if (!arn || !account || !userId) throw new EksTokenError('STS answered GetCallerIdentity without an identity');
  return { arn, account, userId };
}
