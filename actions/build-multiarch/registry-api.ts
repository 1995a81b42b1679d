/**
 * Reads manifests and blobs through a registry's HTTP API v2 (the distribution spec), answering
 * both `WWW-Authenticate` challenges with the step's credentials: `Basic` (ECR, Debian's registry
 * with htpasswd) and `Bearer` (a token service, as Docker Hub and GHCR use: realm, service, scope).
 * Plain HTTP for loopback registries, HTTPS for the rest (see reference.ts).
 */
import { createHash } from 'node:crypto';
import { httpRequest, type HttpOptions, type HttpResponse } from '../lib/http.js';
import type { Credentials } from './inputs.js';
import { registryApiBase, type ImageRepository } from './reference.js';
import { IMAGE_TYPES, INDEX_TYPES } from './platforms.js';

export type HttpRequest = (url: string, options?: HttpOptions) => Promise<HttpResponse>;

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"` */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z]+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2].matchAll(/([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[key.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare;
  }
  return { scheme: match[1].toLowerCase(), params };
}

export interface Manifest {
  /** As the registry reports it (`Docker-Content-Digest`), else the SHA-256 of the bytes served. */
  digest: string;
  mediaType: string;
  json: Record<string, unknown>;
}

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The registry's own error text (`{"errors":[{"code","message"}]}`), else the status. */
function describeErrorBody(response: HttpResponse): string {
  try {
    const errors = (JSON.parse(response.body) as { errors?: Array<{ code?: string; message?: string }> }).errors;
    if (errors?.length) return errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // not the registry's JSON (a proxy's page): the status says enough
  }
  return `HTTP ${response.status}`;
}

export class RegistryApi {
  private authorization?: string;
  private readonly base: string;

  constructor(
    private readonly repository: ImageRepository,
    private readonly credentials: Credentials | undefined,
    private readonly request: HttpRequest = httpRequest,
  ) {
    this.base = registryApiBase(repository.registry);
  }

  private basic(): string | undefined {
    const { credentials } = this;
    return credentials ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` : undefined;
  }

  private send(url: string, accept: string): Promise<HttpResponse> {
    const headers: Record<string, string> = { Accept: accept };
    if (this.authorization) headers.Authorization = this.authorization;
    return this.request(url, { headers, attempts: 3, timeoutMs: 30_000 });
  }

  private async bearerToken(challenge: Challenge): Promise<string> {
    const { realm, service } = challenge.params;
    if (!realm) throw new RegistryError(`${this.repository.registry} asked for a Bearer token without naming its token service (realm)`);
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    url.searchParams.set('scope', challenge.params.scope ?? `repository:${this.repository.path}:pull`);
    const headers: Record<string, string> = {};
    const basic = this.basic();
    if (basic) headers.Authorization = basic;
    const response = await this.request(url.toString(), { headers, attempts: 3, timeoutMs: 30_000 });
    if (response.status !== 200) {
      throw new RegistryError(`the token service of ${this.repository.registry} (${url.origin}) refused a token: ${describeErrorBody(response)}`, response.status);
    }
    const body = JSON.parse(response.body) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`the token service of ${this.repository.registry} answered without a token`);
    return token;
  }

  /** Answers a 401's challenge: a Bearer token for the scope it names (pull, or pull,push for a PUT), or Basic. */
  private async answerChallenge(response: HttpResponse): Promise<void> {
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    if (challenge?.scheme === 'bearer') this.authorization = `Bearer ${await this.bearerToken(challenge)}`;
    else if (challenge?.scheme === 'basic') {
      const basic = this.basic();
      if (!basic) throw new RegistryError(`${this.repository.registry} asks for credentials: set registry-username and registry-password (or role-to-assume for ECR), or verify: false`, 401);
      this.authorization = basic;
    } else throw new RegistryError(`${this.repository.registry} answered 401 without a Basic or Bearer challenge`, 401);
  }

  /** GET with the challenge answered once; a second 401 means the credentials were refused. */
  async get(path: string, accept: string): Promise<HttpResponse> {
    const url = `${this.base}/v2/${this.repository.path}/${path}`;
    let response = await this.send(url, accept);
    if (response.status === 401 && !this.authorization) {
      await this.answerChallenge(response);
      response = await this.send(url, accept);
    }
    if (response.status === 401 || response.status === 403) {
      throw new RegistryError(`${this.repository.registry} refused the credentials for ${this.repository.path}: ${describeErrorBody(response)}`, response.status);
    }
    if (response.status !== 200) throw new RegistryError(`${this.repository.registry} answered GET ${url}: ${describeErrorBody(response)}`, response.status);
    return response;
  }

  async manifest(reference: string): Promise<Manifest> {
    const response = await this.get(`manifests/${reference}`, [...INDEX_TYPES, ...IMAGE_TYPES].join(', '));
    const digest = response.headers.get('docker-content-digest') || `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    const json = JSON.parse(response.body) as Record<string, unknown>;
    const mediaType = (response.headers.get('content-type') ?? String(json.mediaType ?? '')).split(';')[0].trim();
    return { digest, mediaType, json };
  }

  /** The digest a tag names now, or undefined when the repository has no such tag. */
  async tagDigest(tag: string): Promise<string | undefined> {
    try {
      return (await this.rawManifest(tag)).digest;
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The manifest's bytes as served, for putting them under another reference unchanged. */
  async rawManifest(reference: string): Promise<{ digest: string; mediaType: string; body: string }> {
    const response = await this.get(`manifests/${reference}`, [...INDEX_TYPES, ...IMAGE_TYPES].join(', '));
    const digest = response.headers.get('docker-content-digest') || `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    const mediaType = (response.headers.get('content-type') ?? String((JSON.parse(response.body) as { mediaType?: string }).mediaType ?? '')).split(';')[0].trim();
    return { digest, mediaType, body: response.body };
  }

  /** PUT a manifest under a tag (or its digest); a pull-only token is traded for a push one on 401. Returns its digest. */
  async putManifest(reference: string, mediaType: string, body: string): Promise<string> {
    const url = `${this.base}/v2/${this.repository.path}/manifests/${reference}`;
    const put = () => {
      const headers: Record<string, string> = { 'Content-Type': mediaType };
      if (this.authorization) headers.Authorization = this.authorization;
      return this.request(url, { method: 'PUT', headers, body, attempts: 3, timeoutMs: 30_000 });
    };
    let response = await put();
    if (response.status === 401) {
      await this.answerChallenge(response);
      response = await put();
    }
    if (response.status !== 201 && response.status !== 200) {
      throw new RegistryError(`${this.repository.registry} refused PUT ${this.repository.path}:${reference}: ${describeErrorBody(response)}`, response.status);
    }
    return response.headers.get('docker-content-digest') || `sha256:${createHash('sha256').update(body).digest('hex')}`;
  }

  async blobJson(digest: string): Promise<Record<string, unknown>> {
    const response = await this.get(`blobs/${digest}`, 'application/json, */*');
    return JSON.parse(response.body) as Record<string, unknown>;
  }
}
