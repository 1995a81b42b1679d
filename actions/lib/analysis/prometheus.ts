/**
 * Prometheus's HTTP API, instant queries only (`GET <base>/api/v1/query?query=…&time=…`), with the
 * four ways in: none, bearer, basic, and SigV4 (service `aps`) for Amazon Managed Service for
 * Prometheus, whose base URL is `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>`.
 * Every failure is an outcome, never a throw: the analysis counts errors against its own limit.
 */
import { httpRequest, type HttpOptions } from '../http.js';
import type { AwsCredentials } from '../aws/credentials.js';

export type PrometheusAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'sigv4'; region: string; credentials: () => Promise<AwsCredentials> };

export interface PrometheusTarget {
  url: URL;
  auth: PrometheusAuth;
  /** Per request; a measurement never waits longer. */
  timeoutMs?: number;
  /** Test seam for the HTTP helper's options (e.g. a dispatcher); not an input. */
  http?: Pick<HttpOptions, 'dispatcher'>;
}

export type QueryOutcome =
  | { kind: 'value'; value: number }
  | { kind: 'empty' }
  | { kind: 'error'; message: string };

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** The value of an instant query at `timeSeconds`: one sample, no data, or why it failed. */
export async function instantQuery(target: PrometheusTarget, query: string, timeSeconds: number): Promise<QueryOutcome> {
  const base = target.url.href.replace(/\/+$/, '');
  const params = new URLSearchParams({ query, time: timeSeconds.toFixed(3) });
  const url = new URL(`${base}/api/v1/query?${params}`);
  let response;
  try {
    response = await httpRequest(url, {
      headers: await authHeaders(target.auth, url),
      timeoutMs: target.timeoutMs ?? 10_000,
      attempts: 2,
      retryBaseMs: 200,
      ...target.http,
    });
  } catch (error) {
    return { kind: 'error', message: `Prometheus at ${target.url.host} did not answer: ${(error as Error).message}` };
  }
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(response.body) as ApiAnswer;
  } catch {
    return { kind: 'error', message: `Prometheus answered HTTP ${response.status} with a body that is not JSON` };
  }
  if (response.status !== 200 || answer.status !== 'success') {
    const reason = answer.error ? `${answer.errorType ?? 'error'}: ${answer.error}` : `HTTP ${response.status}`;
    return { kind: 'error', message: `query failed (${reason.slice(0, 300)})` };
  }
  return readResult(answer.data);
}

function readResult(data: ApiAnswer['data']): QueryOutcome {
  const result = data?.result;
  if (data?.resultType === 'scalar') return sample(result);
  if (data?.resultType === 'vector' && Array.isArray(result)) {
    if (result.length === 0) return { kind: 'empty' };
    if (result.length > 1) return { kind: 'error', message: `the query returned ${result.length} series; aggregate it to one (e.g. with sum(…))` };
    return sample((result[0] as { value?: unknown }).value);
  }
  return { kind: 'error', message: `the query returned a ${data?.resultType ?? 'missing'} result; an instant vector of one series or a scalar is needed` };
}

/** `[<unix time>, "<value>"]`; Prometheus writes NaN and ±Inf as strings too. */
function sample(pair: unknown): QueryOutcome {
  if (!Array.isArray(pair) || typeof pair[1] !== 'string') return { kind: 'error', message: 'the answer holds no sample' };
  const text = pair[1];
  const value = text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
  return Number.isNaN(value) && text !== 'NaN' ? { kind: 'error', message: `the sample '${text.slice(0, 40)}' is not a number` } : { kind: 'value', value };
}

async function authHeaders(auth: PrometheusAuth, url: URL): Promise<Record<string, string>> {
  switch (auth.kind) {
    case 'none':
      return {};
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` };
    case 'sigv4':
      return signAps(url, auth.region, await auth.credentials());
  }
}

/** SigV4 headers for a GET to Amazon Managed Service for Prometheus (service `aps`). */
async function signAps(url: URL, region: string, credentials: AwsCredentials): Promise<Record<string, string>> {
  const [{ SignatureV4 }, { HttpRequest }, { Sha256 }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@smithy/protocol-http'),
    import('@aws-crypto/sha256-js'),
  ]);
  const signer = new SignatureV4({ service: 'aps', region, credentials, sha256: Sha256 });
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signed = await signer.sign(
    new HttpRequest({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { host: url.host },
    }),
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) if (name !== 'host') headers[name] = String(value);
  return headers;
}
