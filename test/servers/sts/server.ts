/**
 * AWS STS on 127.0.0.1, speaking the Query protocol (form-encoded POST, Version=2011-06-15) with
 * XML answers shaped as AWS documents them. AssumeRoleWithWebIdentity verifies the JWT against its
 * issuer's JWKS (signature, exp, nbf, aud among the provider's client IDs) and applies each role's
 * trust policy (StringEquals / StringLike on `<issuer-host>:<claim>`). GetCallerIdentity answers
 * SigV4-signed and presigned requests made with credentials it issued.
 * Not emulated: other actions, session policies and tags, source identity, IAM itself (roles and
 * providers are given at start), PackedPolicySize, regional endpoint rules, STS's 15-minute clock skew.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { verifySigV4, type SigningCredentials } from './sigv4.js';
import { listenOnLoopback } from '../loopback.js';

export interface OidcProvider {
  /** The `iss` value, e.g. https://token.actions.githubusercontent.com. */
  issuer: string;
  /** Where its keys are (IAM would discover them from the issuer). */
  jwksUrl: string;
  /** The provider's client ID list: the tokens' `aud` must be one of them. */
  audiences: string[];
}

export type ConditionValues = Record<string, string | string[]>;

export interface TrustedRole {
  arn: string;
  /** The issuer whose tokens the role trusts (Principal.Federated's oidc-provider). */
  federated: string;
  /** Keys are `<issuer host>:<claim>`, e.g. `token.actions.githubusercontent.com:sub`. */
  conditions?: { StringEquals?: ConditionValues; StringLike?: ConditionValues };
  maxSessionDuration?: number;
}

export interface StsError {
  code: string;
  status: number;
  message?: string;
  type?: 'Sender' | 'Receiver';
}

export type StsFault = StsError | { network: 'reset' };

export interface StsRequestRecord {
  action: string;
  params: Record<string, string>;
  status: number;
  /** The error code answered, if any. */
  code?: string;
}

export interface IssuedCredentials extends Required<SigningCredentials> {
  roleArn: string;
  assumedRoleArn: string;
  assumedRoleId: string;
  subject: string;
  expiration: Date;
}

export interface StsServer {
  url: string;
  accountId: string;
  requests: StsRequestRecord[];
  /** Every credential set handed out, in order. */
  issued: IssuedCredentials[];
  /** The next request(s) get this answer (an error, or a reset connection), once each in order. */
  inject(fault: StsFault, times?: number): void;
  /** The next web identity token presented is called expired (ExpiredTokenException) — that token only, every time. */
  expireNextToken(): void;
  /** The next web identity token presented is refused as InvalidIdentityToken — that token only. */
  refuseNextToken(message?: string): void;
  /** Credentials it issued, by access key id (for ECR/EKS servers that check signatures). */
  lookup(accessKeyId: string): IssuedCredentials | undefined;
  stop(): Promise<void>;
}

export interface StsServerOptions {
  providers: OidcProvider[];
  roles: TrustedRole[];
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function element(name: string, content: string | undefined): string {
  return content === undefined ? '' : `<${name}>${content}</${name}>`;
}

const text = (name: string, value: string | undefined) => element(name, value === undefined ? undefined : xmlEscape(value));

/** IAM's StringLike: `*` any run of characters, `?` one character, the rest literal. */
export function stringLike(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

const ACCESS_KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const randomChars = (n: number, alphabet: string) => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');

class Refusal extends Error {
  constructor(readonly error: StsError) {
    super(error.message);
  }
}

const refuse = (code: string, status: number, message: string): never => {
  throw new Refusal({ code, status, message, type: 'Sender' });
};

export async function startStsServer(options: StsServerOptions): Promise<StsServer> {
  const accountId = options.roles[0]?.arn.split(':')[4] ?? '123456789012';
  const jwks = new Map(options.providers.map((p) => [p.issuer, createRemoteJWKSet(new URL(p.jwksUrl))]));
  const requests: StsRequestRecord[] = [];
  const issued: IssuedCredentials[] = [];
  const faults: StsFault[] = [];
  const taintedTokens = new Map<string, StsError>();
  let taintNext: StsError | undefined;

  const verifyToken = async (token: string): Promise<{ payload: JWTPayload; provider: OidcProvider }> => {
    let issuer: string | undefined;
    try {
      issuer = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).iss;
    } catch {
      refuse('InvalidIdentityToken', 400, 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)');
    }
    const provider = options.providers.find((p) => p.issuer === issuer);
    if (!provider) refuse('InvalidIdentityToken', 400, `No OpenIDConnect provider found in your account for ${issuer}`);
    try {
      const { payload } = await jwtVerify(token, jwks.get(provider!.issuer)!, { issuer: provider!.issuer, algorithms: ['RS256'] });
      if (![payload.aud ?? []].flat().some((aud) => provider!.audiences.includes(aud))) {
        refuse('InvalidIdentityToken', 400, 'Incorrect token audience');
      }
      return { payload, provider: provider! };
    } catch (error) {
      if (error instanceof Refusal) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        refuse('ExpiredTokenException', 400, `Token expired: current date/time ${Math.floor(Date.now() / 1000)} must be before the expiration date/time ${(error.payload.exp ?? 0)}`);
      }
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSTimeout) {
        refuse('IDPCommunicationError', 400, "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
      }
      return refuse('InvalidIdentityToken', 400, `Couldn't verify the token: ${(error as Error).message}`);
    }
  };

  const trusts = (role: TrustedRole, provider: OidcProvider, claims: JWTPayload): boolean => {
    if (role.federated !== provider.issuer) return false;
    const host = provider.issuer.replace(/^https:\/\//, '');
    const claimValues = (key: string): string[] | undefined => {
      if (!key.startsWith(`${host}:`)) return undefined;
      const value = claims[key.slice(host.length + 1)];
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) return value.map(String);
      return undefined;
    };
    const check = (values: ConditionValues | undefined, matches: (pattern: string, value: string) => boolean) =>
      Object.entries(values ?? {}).every(([key, wanted]) => {
        const actual = claimValues(key);
        // A key the token lacks fails the condition (IAM's rule for StringEquals/StringLike).
        return actual !== undefined && actual.some((value) => [wanted].flat().some((pattern) => matches(pattern, value)));
      });
    return check(role.conditions?.StringEquals, (a, b) => a === b) && check(role.conditions?.StringLike, stringLike);
  };

  const assumeRoleWithWebIdentity = async (params: Record<string, string>): Promise<string> => {
    const { RoleArn: roleArn, RoleSessionName: sessionName, WebIdentityToken: token } = params;
    const durationSeconds = Number(params.DurationSeconds ?? '3600');
    const invalid: string[] = [];
    if (!roleArn || roleArn.length < 20) invalid.push(`Value ${roleArn ?? 'null'} at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
    if (!sessionName || !/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      invalid.push(`Value '${sessionName ?? 'null'}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    if (!Number.isInteger(durationSeconds) || durationSeconds < 900 || durationSeconds > 43200) {
      invalid.push(`Value '${params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
    }
    if (!token || token.length < 4) invalid.push("Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
    if (invalid.length) refuse('ValidationError', 400, `${invalid.length} validation error${invalid.length > 1 ? 's' : ''} detected: ${invalid.join('; ')}`);

    if (taintNext) {
      taintedTokens.set(token, taintNext);
      taintNext = undefined;
    }
    const tainted = taintedTokens.get(token);
    if (tainted) throw new Refusal(tainted);

    const { payload, provider } = await verifyToken(token);
    const role = options.roles.find((r) => r.arn === roleArn);
    if (!role || !trusts(role, provider, payload)) refuse('AccessDenied', 403, 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    if (durationSeconds > (role!.maxSessionDuration ?? 3600)) {
      refuse('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }

    const roleName = roleArn.split('/').pop()!;
    const partition = roleArn.split(':')[1];
    const roleId = `AROA${randomChars(17, ACCESS_KEY_CHARS)}`;
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomChars(16, ACCESS_KEY_CHARS)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2Vj${randomBytes(240).toString('base64')}`,
      roleArn,
      assumedRoleArn: `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      assumedRoleId: `${roleId}:${sessionName}`,
      subject: String(payload.sub),
      expiration: new Date(Math.floor(Date.now() / 1000 + durationSeconds) * 1000),
    };
    issued.push(credentials);
    const audience = [payload.aud ?? []].flat()[0];
    return (
      `<AssumeRoleWithWebIdentityResponse xmlns="${XMLNS}">` +
      '<AssumeRoleWithWebIdentityResult>' +
      text('SubjectFromWebIdentityToken', credentials.subject) +
      text('Audience', audience) +
      element('AssumedRoleUser', text('Arn', credentials.assumedRoleArn) + text('AssumedRoleId', credentials.assumedRoleId)) +
      element(
        'Credentials',
        text('SessionToken', credentials.sessionToken) +
          text('SecretAccessKey', credentials.secretAccessKey) +
          text('Expiration', credentials.expiration.toISOString().replace('.000Z', 'Z')) +
          text('AccessKeyId', credentials.accessKeyId),
      ) +
      // "For OpenID Connect ID tokens, this contains the value of the iss field."
      text('Provider', String(payload.iss)) +
      '</AssumeRoleWithWebIdentityResult>'
    );
  };

  const getCallerIdentity = (request: IncomingMessage, body: string): string => {
    const check = verifySigV4({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body }, (id) => issued.find((c) => c.accessKeyId === id));
    if (!check.ok) refuse(check.code, 403, check.message);
    const caller = issued.find((c) => c.accessKeyId === (check as { credentials: SigningCredentials }).credentials.accessKeyId)!;
    return (
      `<GetCallerIdentityResponse xmlns="${XMLNS}">` +
      `<GetCallerIdentityResult>${text('Arn', caller.assumedRoleArn)}${text('UserId', caller.assumedRoleId)}${text('Account', accountId)}</GetCallerIdentityResult>`
    );
  };

  const send = (res: ServerResponse, status: number, xml: string, requestId: string) => {
    res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, date: new Date().toUTCString() });
    res.end(xml);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://sts');
    const form = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
    const params = Object.fromEntries(form.entries());
    const action = params.Action ?? '';
    const record: StsRequestRecord = { action, params, status: 200 };
    requests.push(record);
    const fail = (error: StsError) => {
      record.status = error.status;
      record.code = error.code;
      const type = error.type ?? (error.status >= 500 ? 'Receiver' : 'Sender');
      send(
        res,
        error.status,
        `<ErrorResponse xmlns="${XMLNS}"><Error>${text('Type', type)}${text('Code', error.code)}${text('Message', error.message ?? error.code)}</Error>${text('RequestId', requestId)}</ErrorResponse>`,
        requestId,
      );
    };
    const fault = faults.shift();
    if (fault && 'network' in fault) {
      record.status = 0;
      record.code = 'ECONNRESET';
      req.socket.destroy();
      return;
    }
    if (fault) return fail(fault);
    try {
      if (params.Version !== '2011-06-15') refuse('InvalidAction', 400, `Could not find operation ${action} for version ${params.Version ?? 'NO_VERSION_SPECIFIED'}`);
      let result: string;
      if (action === 'AssumeRoleWithWebIdentity' && req.method === 'POST') result = await assumeRoleWithWebIdentity(params);
      else if (action === 'GetCallerIdentity') result = getCallerIdentity(req, body);
      else return refuse('InvalidAction', 400, `Could not find operation ${action} for version 2011-06-15`);
      const name = result.slice(1, result.indexOf(' '));
      send(res, 200, `${result}<ResponseMetadata>${text('RequestId', requestId)}</ResponseMetadata></${name}>`, requestId);
    } catch (error) {
      if (error instanceof Refusal) return fail(error.error);
      fail({ code: 'InternalFailure', status: 500, message: (error as Error).message });
    }
  };

  const server = await listenOnLoopback(handle);

  return {
    url: server.url,
    accountId,
    requests,
    issued,
    inject: (fault, times = 1) => {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    expireNextToken: () => {
      taintNext = { code: 'ExpiredTokenException', status: 400, message: 'Token expired: current date/time must be before the expiration date/time' };
    },
    refuseNextToken: (message = 'Couldn\'t retrieve verification key from your identity provider') => {
      taintNext = { code: 'InvalidIdentityToken', status: 400, message };
    },
    lookup: (accessKeyId) => issued.find((c) => c.accessKeyId === accessKeyId),
    stop: server.stop,
  };
}
