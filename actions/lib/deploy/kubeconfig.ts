/**
 * A kubeconfig read as kubectl reads it, for the ways of signing in that need no plugin: a bearer
 * token (inline or `tokenFile`), a client certificate, or a user name and password. The cluster's
 * server, CA, `insecure-skip-tls-verify`, `tls-server-name` and `proxy-url` are taken as they are,
 * and relative file paths resolve against the kubeconfig's folder.
 *
 * Why not client-node's KubeConfig: loading it compiles the generated model classes of every API
 * group (a 5 MB chunk, about 0.2 s of a deploy step). A user with an `exec` or `auth-provider` entry
 * (`aws eks update-kubeconfig` writes `exec`) still gets it: `plugin` says so, and connect.ts
 * hands those to client-node, which runs the plugin.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeconfigCluster {
  server: string;
  ca?: Buffer;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export type KubeconfigAuth =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'token-file'; path: string }
  | { kind: 'basic'; username: string; password: string }
  /** `exec` or `auth-provider`: a plugin gives the credentials (connect.ts hands these to client-node). */
  | { kind: 'plugin' };

export interface Kubeconfig {
  context: string;
  cluster: KubeconfigCluster;
  auth: KubeconfigAuth;
  cert?: Buffer;
  key?: Buffer;
  /** Values that must never appear in a log: tokens, passwords, the client key. */
  secrets: string[];
}

type Entry = Record<string, unknown>;

/** Thrown for any kubeconfig that cannot be used; its message never quotes the file's text. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

function named(list: unknown, what: string, name: string): Entry {
  const entries = Array.isArray(list) ? (list as Entry[]) : [];
  const entry = entries.find((candidate) => candidate?.name === name);
  const body = entry?.[what];
  if (!body || typeof body !== 'object') throw new KubeconfigError(`has no ${what} named ${JSON.stringify(name)}`);
  return body as Entry;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The current context's cluster and user. `text` is the kubeconfig (YAML or JSON); `folder` is
 * where its relative paths point (the file's folder, or the working directory for inline content).
 */
export function readKubeconfig(source: string, folder: string): Kubeconfig {
  let document: Entry;
  try {
    document = parse(source) as Entry;
  } catch {
    // The parser's message quotes the text around the error, which may hold a token.
    throw new KubeconfigError('is not a valid kubeconfig (YAML or JSON)');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw new KubeconfigError('is not a valid kubeconfig (YAML or JSON)');
  const contextName = text(document['current-context']);
  if (!contextName) throw new KubeconfigError('has no current cluster (set current-context)');
  const context = named(document.contexts, 'context', contextName);
  const clusterName = text(context.cluster);
  if (!clusterName) throw new KubeconfigError(`has no cluster in the context ${JSON.stringify(contextName)}`);
  const cluster = named(document.clusters, 'cluster', clusterName);
  const userName = text(context.user);
  const user = userName ? named(document.users, 'user', userName) : {};

  const path = (value: unknown) => {
    const given = text(value);
    return given === undefined ? undefined : isAbsolute(given) ? given : resolve(folder, given);
  };
  const material = (data: unknown, file: unknown, what: string): Buffer | undefined => {
    const inline = text(data);
    if (inline) return Buffer.from(inline, 'base64');
    const at = path(file);
    if (!at) return undefined;
    try {
      return readFileSync(at);
    } catch (error) {
      throw new KubeconfigError(`names a ${what} file that cannot be read: ${at} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  };

  const server = text(cluster.server);
  if (!server) throw new KubeconfigError(`has no server for the cluster ${JSON.stringify(clusterName)}`);
  const token = text(user.token);
  const username = text(user.username);
  const password = text(user.password);
  const tokenFile = path(user.tokenFile);
  if (tokenFile) material(undefined, tokenFile, 'tokenFile');
  const auth: KubeconfigAuth =
    user.exec || user['auth-provider']
      ? { kind: 'plugin' }
      : token
        ? { kind: 'token', token }
        : tokenFile
          ? { kind: 'token-file', path: tokenFile }
          : username && password
            ? { kind: 'basic', username, password }
            : { kind: 'none' };
  const keyData = text(user['client-key-data']);
  return {
    context: contextName,
    cluster: {
      server: server.replace(/\/+$/, ''),
      ca: material(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate-authority'),
      skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
      tlsServerName: text(cluster['tls-server-name']),
      proxyUrl: text(cluster['proxy-url']),
    },
    auth,
    cert: material(user['client-certificate-data'], user['client-certificate'], 'client-certificate'),
    key: material(keyData, user['client-key'], 'client-key'),
    secrets: [token, password, keyData].filter((secret): secret is string => secret !== undefined),
  };
}

/** The Authorization header of a kubeconfig's user, asked before each request (a token file may be rotated). */
export function authorizationOf(auth: KubeconfigAuth): () => Record<string, string> {
  switch (auth.kind) {
    case 'token':
      return () => ({ authorization: `Bearer ${auth.token}` });
    case 'token-file':
      return () => ({ authorization: `Bearer ${readFileSync(auth.path, 'utf8').trim()}` });
    case 'basic':
      return () => ({ authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` });
    default:
      return () => ({});
  }
}

/** The folder a kubeconfig's relative paths resolve against. */
export function kubeconfigFolder(file: string | undefined): string {
  return file ? dirname(resolve(file)) : process.cwd();
}
