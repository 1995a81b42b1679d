/**
 * The node agent's way to the API server: the kubeconfig's server, CA and client certificate (or
 * token) read by @kubernetes/client-node's KubeConfig, requests through the suite's one HTTP helper
 * (actions/lib/http.ts: a timeout per attempt, bounded retries honouring Retry-After), and watch
 * streams read line by line as the API server writes them.
 */
import { existsSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { httpRequest } from '../../../actions/lib/http.js';
import type { KubeObject } from '../../servers/kube/types.js';

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

export interface KubeClient {
  server: string;
  get<T = KubeObject>(path: string): Promise<T>;
  /** GET of something that is not JSON (a pod's answer through the API server's proxy); any status. */
  getText(path: string): Promise<{ status: number; body: string }>;
  /** GET that answers undefined on 404. */
  find<T = KubeObject>(path: string): Promise<T | undefined>;
  create<T = KubeObject>(path: string, body: unknown): Promise<T>;
  /** `type`: 'merge' (JSON merge patch) or 'strategic'. */
  patch<T = KubeObject>(path: string, body: unknown, type?: 'merge' | 'strategic'): Promise<T>;
  delete(path: string, body?: unknown): Promise<void>;
  /**
   * Opens a watch (`path` with its query) and calls `onEvent` for each event until the server ends
   * the stream (resolves) or the connection breaks or `signal` aborts (rejects).
   */
  watch(path: string, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** A kubeconfig's text, or the path of a file holding one. */
export function loadKubeConfig(kubeconfig: string): KubeConfig {
  const config = new KubeConfig();
  if (!kubeconfig.includes('\n') && existsSync(kubeconfig)) config.loadFromFile(kubeconfig);
  else config.loadFromString(kubeconfig);
  return config;
}

function statusError(status: number, body: string, what: string): KubeApiError {
  let reason = '';
  let message = body.slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { reason?: string; message?: string };
    reason = parsed.reason ?? '';
    message = parsed.message ?? message;
  } catch {
    // not a Status object
  }
  return new KubeApiError(status, reason, `${what}: HTTP ${status}${reason ? ` ${reason}` : ''}: ${message}`);
}

export async function createKubeClient(kubeconfig: string, options: { timeoutMs?: number; userAgent?: string } = {}): Promise<KubeClient> {
  const config = loadKubeConfig(kubeconfig);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('node agent: the kubeconfig has no current cluster');
  const tls: RequestOptions = {};
  await config.applyToHTTPSOptions(tls);
  const dispatcher = new Agent({
    connect: { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !cluster.skipTLSVerify },
    // Watches stay open for minutes; the server ends them (timeoutSeconds).
    bodyTimeout: 0,
  });
  const authHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(tls.headers ?? {})) if (typeof value === 'string') authHeaders[name.toLowerCase()] = value;
  const headers = (contentType?: string) => ({
    ...authHeaders,
    accept: 'application/json',
    'user-agent': options.userAgent ?? 'sunday-node-agent',
    ...(contentType ? { 'content-type': contentType } : {}),
  });
  const server = cluster.server.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const response = await httpRequest(server + path, {
      method,
      headers: headers(body === undefined ? undefined : contentType),
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher,
      timeoutMs,
      attempts: 4,
      retryBaseMs: 200,
      retryCapMs: 2000,
    });
    return response;
  };
  const expect = async <T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> => {
    const response = await call(method, path, body, contentType);
    if (response.status >= 300) throw statusError(response.status, response.body, `${method} ${path}`);
    return JSON.parse(response.body) as T;
  };

  return {
    server,
    get: (path) => expect('GET', path),
    getText: async (path) => {
      const response = await call('GET', path);
      return { status: response.status, body: response.body };
    },
    find: async (path) => {
      const response = await call('GET', path);
      if (response.status === 404) return undefined;
      if (response.status >= 300) throw statusError(response.status, response.body, `GET ${path}`);
      return JSON.parse(response.body);
    },
    create: (path, body) => expect('POST', path, body),
    patch: (path, body, type = 'merge') => expect('PATCH', path, body, type === 'merge' ? 'application/merge-patch+json' : 'application/strategic-merge-patch+json'),
    delete: async (path, body) => {
      const response = await call('DELETE', path, body);
      if (response.status >= 300 && response.status !== 404) throw statusError(response.status, response.body, `DELETE ${path}`);
    },
    watch: async (path, onEvent, signal) => {
      const response = await request(server + path, { method: 'GET', headers: headers(), dispatcher, signal, headersTimeout: timeoutMs });
      if (response.statusCode !== 200) {
        const text = await response.body.text();
        throw statusError(response.statusCode, text, `watch ${path}`);
      }
      let buffered = '';
      response.body.setEncoding('utf8');
      for await (const chunk of response.body) {
        buffered += chunk;
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
        }
      }
    },
    close: () => dispatcher.close(),
  };
}
