/**
 * Server-side check of AWS Signature Version 4, written from AWS's public description (canonical
 * request → string to sign → HMAC chain) with node:crypto only, so a client bug cannot be hidden by
 * the same library signing and verifying. Handles the Authorization header and presigned URLs.
 * Not handled: chunked (streaming) payloads, SigV4a, S3's single-encoded paths.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type SigV4Result =
  | { ok: true; credentials: SigningCredentials; service: string; region: string; presigned: boolean; signedHeaders: string[]; query: URLSearchParams }
  | { ok: false; code: string; message: string };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
const EMPTY_HASH = sha256('');

/** RFC 3986 encoding, as SigV4 wants it. */
function uriEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: URLSearchParams, without: string): string {
  return [...query.entries()]
    .filter(([key]) => key !== without)
    .map(([key, value]) => [uriEscape(key), uriEscape(value)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function headerValue(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** The signature a request should carry; `payloadHash` as the signer hashed the body. */
export function expectedSignature(
  request: SignedRequest,
  secret: string,
  scope: { date: string; region: string; service: string },
  amzDate: string,
  signedHeaders: string[],
  payloadHash: string,
  excludeFromQuery: string,
): string {
  const url = new URL(request.url, 'http://placeholder');
  // Non-S3 services encode each path segment once more (the path arrives already encoded).
  const path = url.pathname.split('/').map(uriEscape).join('/') || '/';
  const headers = signedHeaders.map((name) => `${name}:${headerValue(request.headers, name) ?? ''}\n`).join('');
  const canonical = [request.method, path, canonicalQuery(url.searchParams, excludeFromQuery), headers, signedHeaders.join(';'), payloadHash].join('\n');
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256(canonical)].join('\n');
  return createHmac('sha256', signingKey(secret, scope.date, scope.region, scope.service)).update(stringToSign).digest('hex');
}

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

const deny = (code: string, message: string): SigV4Result => ({ ok: false, code, message });

/**
 * Checks a request signed by `lookup`'s credentials. `now` lets tests check expiry of presigned
 * URLs. Error codes are those AWS answers: IncompleteSignature, InvalidClientTokenId,
 * SignatureDoesNotMatch, ExpiredToken (presigned URL too old).
 */
export function verifySigV4(request: SignedRequest, lookup: (accessKeyId: string) => SigningCredentials | undefined, now = Date.now()): SigV4Result {
  const url = new URL(request.url, 'http://placeholder');
  const query = url.searchParams;
  const presigned = query.has('X-Amz-Signature');
  let credential: string, signedHeaderList: string, signature: string, amzDate: string;
  if (presigned) {
    credential = query.get('X-Amz-Credential') ?? '';
    signedHeaderList = query.get('X-Amz-SignedHeaders') ?? '';
    signature = query.get('X-Amz-Signature') ?? '';
    amzDate = query.get('X-Amz-Date') ?? '';
    if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return deny('IncompleteSignature', 'X-Amz-Algorithm must be AWS4-HMAC-SHA256');
  } else {
    const authorization = headerValue(request.headers, 'authorization') ?? '';
    const match = authorization.match(/^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/);
    if (!match) return deny('IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature');
    [, credential, signedHeaderList, signature] = match;
    amzDate = headerValue(request.headers, 'x-amz-date') ?? '';
  }
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (terminator !== 'aws4_request' || !amzDate.startsWith(date)) return deny('IncompleteSignature', 'Credential scope is malformed');
  const credentials = lookup(accessKeyId);
  if (!credentials) return deny('InvalidClientTokenId', 'The security token included in the request is invalid.');
  const sessionToken = presigned ? query.get('X-Amz-Security-Token') : headerValue(request.headers, 'x-amz-security-token');
  if (credentials.sessionToken && sessionToken !== credentials.sessionToken) {
    return deny('InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return deny('SignatureDoesNotMatch', 'The host header must be signed');
  if (presigned) {
    const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const expires = Number(query.get('X-Amz-Expires') ?? '0');
    if (!(signedAt <= now + 300_000) || now > signedAt + expires * 1000) return deny('ExpiredToken', 'The security token included in the request is expired');
  }
  // Presigned URLs of non-S3 services are signed over the empty body's hash (smithy) or the
  // literal UNSIGNED-PAYLOAD (botocore, hence `aws eks get-token`); AWS takes both.
  const payloadHashes = presigned ? [EMPTY_HASH, 'UNSIGNED-PAYLOAD'] : [headerValue(request.headers, 'x-amz-content-sha256') ?? sha256(request.body)];
  const scope = { date, region, service };
  const matches = payloadHashes.some((hash) =>
    same(expectedSignature(request, credentials.secretAccessKey, scope, amzDate, signedHeaders, hash, presigned ? 'X-Amz-Signature' : ''), signature),
  );
  if (!matches) {
    return deny('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return { ok: true, credentials, service, region, presigned, signedHeaders, query };
}
