/**
 * GitHub's OIDC token service as a job sees it, on 127.0.0.1: the runner's request protocol
 * (`GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with `Authorization: Bearer
 * $ACTIONS_ID_TOKEN_REQUEST_TOKEN` → `{"value": "<JWT>"}`), RS256 JWTs signed with `jose` carrying
 * GitHub's claim set, and the issuer's discovery document and JWKS.
 * Not emulated: the `iss` the tokens carry is https://token.actions.githubusercontent.com while
 * the keys are served here (a verifier is pointed at `jwksUrl`); no key rotation; no sub-claim
 * customization templates (set `sub` directly); only the claims listed in GithubClaims.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { listenOnLoopback } from '../loopback.js';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GithubClaims {
  iss: string;
  sub: string;
  aud: string;
  repository: string;
  repository_owner: string;
  ref: string;
  ref_type: string;
  sha: string;
  event_name: string;
  workflow: string;
  workflow_ref: string;
  job_workflow_ref: string;
  environment?: string;
  actor: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  runner_environment: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  [claim: string]: unknown;
}

/** Claims a test sets; anything left out gets GitHub's value for a push to main of sunday/app. */
export type ClaimOverrides = Partial<GithubClaims>;

/** GitHub's default `sub` forms: environment, then pull_request, then the ref. */
export function subjectFor(claims: Pick<GithubClaims, 'repository' | 'ref' | 'event_name'> & { environment?: string }): string {
  if (claims.environment) return `repo:${claims.repository}:environment:${claims.environment}`;
  if (claims.event_name === 'pull_request' || claims.event_name === 'pull_request_target') return `repo:${claims.repository}:pull_request`;
  return `repo:${claims.repository}:ref:${claims.ref}`;
}

export interface TokenRequest {
  audience: string | null;
  authorization: string | undefined;
  status: number;
}

export interface OidcServer {
  /** Base URL (discovery and JWKS live under it). */
  url: string;
  /** The value of ACTIONS_ID_TOKEN_REQUEST_URL (already holds a query, so `&audience=` appends). */
  requestUrl: string;
  /** The value of ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string;
  jwksUrl: string;
  issuer: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN for a job with `id-token: write`. */
  env(): Record<string, string>;
  requests: TokenRequest[];
  /** Every JWT handed out, in order (tests check none leaks). */
  issued: string[];
  /** Changes the claims of the tokens issued from now on (merged over the current ones). */
  setClaims(overrides: ClaimOverrides): void;
  /** Signs a token with the issuer's key now, for tests (e.g. one already expired). */
  sign(overrides?: ClaimOverrides): Promise<string>;
  /** The next `times` token requests answer `status` (e.g. 500, 401). */
  failNext(status: number, times?: number): void;
  stop(): Promise<void>;
}

export interface OidcServerOptions {
  claims?: ClaimOverrides;
  /** Token lifetime; GitHub's tokens live 5 minutes past `iat`. */
  lifetimeSeconds?: number;
}

export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const requestToken = `runtime-${randomUUID()}`;
  const tokenPath = `/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`;
  const lifetime = options.lifetimeSeconds ?? 300;
  let overrides: ClaimOverrides = { ...options.claims };
  const requests: TokenRequest[] = [];
  const issued: string[] = [];
  const faults: number[] = [];
  let baseUrl = '';

  const sign = async (extra: ClaimOverrides = {}, audience?: string): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const merged: ClaimOverrides = { ...overrides, ...extra };
    const repository = merged.repository ?? 'sunday/app';
    const event_name = merged.event_name ?? 'push';
    const ref = merged.ref ?? 'refs/heads/main';
    const claims: GithubClaims = {
      iss: GITHUB_ISSUER,
      aud: audience ?? `https://github.com/${repository.split('/')[0]}`,
      repository,
      repository_owner: repository.split('/')[0],
      ref,
      ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      event_name,
      workflow: 'CD',
      workflow_ref: `${repository}/.github/workflows/cd.yml@${ref}`,
      job_workflow_ref: 'sunday/actions/.github/workflows/cd.yml@refs/tags/v1',
      actor: 'octocat',
      run_id: '1000001',
      run_number: '42',
      run_attempt: '1',
      runner_environment: 'github-hosted',
      jti: randomUUID(),
      iat: now,
      nbf: now - 5,
      exp: now + lifetime,
      sub: '',
      ...merged,
    };
    if (!merged.sub) claims.sub = subjectFor(claims);
    if (claims.environment === undefined) delete claims.environment;
    const { iss, sub, aud, iat, nbf, exp, jti, ...rest } = claims;
    return new SignJWT(rest)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, x5t: kid })
      .setIssuer(iss)
      .setSubject(sub)
      .setAudience(aud)
      .setIssuedAt(iat)
      .setNotBefore(nbf)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(privateKey);
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: GITHUB_ISSUER,
        jwks_uri: `${baseUrl}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository', 'environment', 'job_workflow_ref', 'run_id'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks') return json(res, 200, { keys: [jwk] });
    if (req.method === 'GET' && url.pathname === tokenPath) {
      const authorization = req.headers.authorization;
      const audience = url.searchParams.get('audience');
      const record = (status: number) => requests.push({ audience, authorization, status });
      const fault = faults.shift();
      if (fault) {
        record(fault);
        return json(res, fault, { message: 'injected fault' });
      }
      if (authorization?.replace(/^bearer\s+/i, '') !== requestToken) {
        record(401);
        return json(res, 401, { message: 'Unauthorized' });
      }
      const token = await sign({}, audience ?? undefined);
      issued.push(token);
      record(200);
      return json(res, 200, { count: token.length, value: token });
    }
    json(res, 404, { message: 'Not Found' });
  };

  const server = await listenOnLoopback((req, res) => handle(req, res).catch((error: Error) => json(res, 500, { message: error.message })));
  baseUrl = server.url;
  const requestUrl = `${baseUrl}${tokenPath}?api-version=2.0`;

  return {
    url: baseUrl,
    requestUrl,
    requestToken,
    jwksUrl: `${baseUrl}/.well-known/jwks`,
    issuer: GITHUB_ISSUER,
    env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken }),
    requests,
    issued,
    setClaims: (next) => {
      overrides = { ...overrides, ...next };
    },
    sign: (extra) => sign(extra, extra?.aud),
    failNext: (status, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(status);
    },
    stop: server.stop,
  };
}
