/**
 * The deploy actions read a kubeconfig themselves (actions/lib/deploy/kubeconfig.ts) and send
 * their own requests (kube.ts); client-node's KubeConfig is loaded only for `exec` and
 * `auth-provider` users. Each way of signing in, the CA as a relative file, a SOCKS5 proxy-url and
 * discovery of a kind the actions have no path for, against the emulator in strict mode (TLS,
 * bearer tokens checked); the reader's own rules as unit tests.
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as connectTcp, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { connectKubeconfig } from '../../actions/lib/deploy/connect.js';
import { Cluster, KubeApiError } from '../../actions/lib/deploy/kube.js';
import { authorizationOf, KubeconfigError, readKubeconfig } from '../../actions/lib/deploy/kubeconfig.js';
import { startKubeEmulator, type KubeEmulator } from '../servers/kube/server.js';

jest.setTimeout(60_000);

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = (user: Record<string, unknown>, cluster: Record<string, unknown> = { server: 'https://10.0.0.1:6443/' }) =>
  stringify({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }], 'current-context': 'ctx' });

describe('reading a kubeconfig', () => {
  test('a bearer token, the server without its trailing slash, the token among the secrets', () => {
    const config = readKubeconfig(minimal({ token: 'tok-123' }), dir);
    expect(config).toMatchObject({ context: 'ctx', cluster: { server: 'https://10.0.0.1:6443', skipTLSVerify: false }, auth: { kind: 'token', token: 'tok-123' }, secrets: ['tok-123'] });
    expect(authorizationOf(config.auth)()).toEqual({ authorization: 'Bearer tok-123' });
  });

  test('relative files resolve against the kubeconfig folder; a token file is read again for each request', () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    writeFileSync(join(dir, 'token'), 'first\n');
    const config = readKubeconfig(minimal({ tokenFile: 'token' }, { server: 'https://k', 'certificate-authority': 'ca.pem', 'tls-server-name': 'kubernetes' }), dir);
    expect(config.cluster.ca?.toString()).toBe('CA PEM');
    expect(config.cluster.tlsServerName).toBe('kubernetes');
    const authorization = authorizationOf(config.auth);
    expect(authorization()).toEqual({ authorization: 'Bearer first' });
    writeFileSync(join(dir, 'token'), 'rotated\n');
    expect(authorization()).toEqual({ authorization: 'Bearer rotated' });
  });

  test('a user name and password: basic authentication, the password masked', () => {
    const config = readKubeconfig(minimal({ username: 'ann', password: 'pw-secret' }), dir);
    expect(authorizationOf(config.auth)()).toEqual({ authorization: `Basic ${Buffer.from('ann:pw-secret').toString('base64')}` });
    expect(config.secrets).toEqual(['pw-secret']);
  });

  test('inline client certificate and key (base64), the key masked', () => {
    const config = readKubeconfig(minimal({ 'client-certificate-data': Buffer.from('CERT').toString('base64'), 'client-key-data': Buffer.from('KEY').toString('base64') }), dir);
    expect([config.cert?.toString(), config.key?.toString(), config.auth.kind]).toEqual(['CERT', 'KEY', 'none']);
    expect(config.secrets).toEqual([Buffer.from('KEY').toString('base64')]);
  });

  test.each([
    ['exec', { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } }],
    ['auth-provider', { 'auth-provider': { name: 'oidc', config: {} } }],
  ])('a user signing in through %s is left to client-node (a plugin)', (_name, user) => {
    expect(readKubeconfig(minimal(user), dir).auth).toEqual({ kind: 'plugin' });
  });

  test.each([
    ['not YAML', 'clusters: [\n  token: tok-in-text {', 'is not a valid kubeconfig (YAML or JSON)'],
    ['a list', '- a\n- b', 'is not a valid kubeconfig (YAML or JSON)'],
    ['no current-context', stringify({ ...parse(minimal({ token: 'tok-in-text' })), 'current-context': undefined }), 'has no current cluster (set current-context)'],
    ['a context that is not there', stringify({ ...parse(minimal({ token: 'tok-in-text' })), 'current-context': 'other' }), 'has no context named "other"'],
    ['a cluster without a server', minimal({ token: 'tok-in-text' }, { 'insecure-skip-tls-verify': true }), 'has no server for the cluster "c"'],
    ['a CA file that is not there', minimal({ token: 'tok-in-text' }, { server: 'https://k', 'certificate-authority': 'nowhere.pem' }), `names a certificate-authority file that cannot be read: ${join(dir, 'nowhere.pem')} (ENOENT)`],
  ])('%s: one error, without the text of the file', (_name, text, message) => {
    let error: unknown;
    try {
      readKubeconfig(text, dir);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(KubeconfigError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).message).not.toContain('tok-in-text');
  });
});

/** A SOCKS5 proxy (RFC 1928: no authentication, CONNECT only) that records where it connected. */
async function startSocks5(): Promise<{ url: string; connects: string[]; server: Server }> {
  const connects: string[] = [];
  const server = createServer((client) => {
    client.once('data', () => {
      client.write(Buffer.from([5, 0])); // version 5, no authentication
      client.once('data', (request) => {
        // VER CMD RSV ATYP; ATYP 1: IPv4, 3: domain name
        const [host, portAt] = request[3] === 1 ? [[...request.subarray(4, 8)].join('.'), 8] : [request.subarray(5, 5 + request[4]).toString(), 5 + request[4]];
        const port = request.readUInt16BE(portAt);
        connects.push(`${host}:${port}`);
        const upstream = connectTcp(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          upstream.pipe(client).pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `socks5://127.0.0.1:${(server.address() as AddressInfo).port}`, connects, server };
}

describe('signing in to a strict API server (TLS, tokens checked)', () => {
  let kube: KubeEmulator;
  const namespace = 'kubeconfig-test';
  beforeAll(async () => {
    kube = await startKubeEmulator({ strict: true, pace: 0 });
    // A cluster-scoped kind: discovery says so, and its path has no namespace.
    const admin = new Cluster((await connectKubeconfig(kube.kubeconfig, undefined, () => undefined)).connection);
    expect((await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })).metadata.name).toBe(namespace);
    await admin.connection.dispatcher.close();
  });
  afterAll(() => kube?.stop());

  /** Creates a ConfigMap through a Cluster made from `text` and reads it back. */
  async function roundTrip(text: string, name: string, file?: string): Promise<Cluster> {
    const cluster = new Cluster((await connectKubeconfig(text, file, () => undefined)).connection);
    try {
      await cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { made: 'yes' } });
      expect((await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace }))?.data).toEqual({ made: 'yes' });
    } finally {
      await cluster.connection.dispatcher.close();
    }
    return cluster;
  }
  /** The emulator's kubeconfig with its user replaced, and the cluster changed by `cluster`. */
  const withUser = (user: Record<string, unknown>, cluster: (given: Record<string, unknown>) => Record<string, unknown> = (given) => given) => {
    const config = parse(kube.kubeconfig);
    config.users[0].user = user;
    config.clusters[0].cluster = cluster(config.clusters[0].cluster);
    return stringify(config);
  };

  test('the inline token and CA of the kubeconfig', async () => {
    await roundTrip(kube.kubeconfig, 'inline');
  });

  test('a token file and a CA file, both relative to the kubeconfig file; a rotated token file is read again', async () => {
    writeFileSync(join(dir, 'kube-ca.pem'), kube.caCert!);
    writeFileSync(join(dir, 'kube-token'), `${kube.token}\n`);
    const text = withUser({ tokenFile: 'kube-token' }, ({ server }) => ({ server, 'certificate-authority': 'kube-ca.pem' }));
    writeFileSync(join(dir, 'config'), text);
    await roundTrip(text, 'token-file', join(dir, 'config'));
    writeFileSync(join(dir, 'kube-token'), 'not-the-token\n');
    const cluster = new Cluster((await connectKubeconfig(text, join(dir, 'config'), () => undefined)).connection);
    const refused = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'token-file', namespace }).catch((error: unknown) => error);
    await cluster.connection.dispatcher.close();
    expect(refused).toBeInstanceOf(KubeApiError);
    expect((refused as KubeApiError).status).toBe(401);
  });

  test('an exec plugin (client.authentication.k8s.io/v1) runs through client-node and its token is sent', async () => {
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(plugin, `console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: ${JSON.stringify(kube.token)} } }));\n`);
    await roundTrip(withUser({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never' } }), 'exec');
  });

  test('a SOCKS5 proxy-url carries every request', async () => {
    const socks = await startSocks5();
    try {
      const before = kube.requests.length;
      await roundTrip(withUser({ token: kube.token }, (cluster) => ({ ...cluster, 'proxy-url': socks.url })), 'socks');
      expect(socks.connects.length).toBeGreaterThan(0);
      expect(new Set(socks.connects)).toEqual(new Set([new URL(kube.url).host]));
      expect(kube.requests.length - before).toBe(2);
    } finally {
      socks.server.close();
    }
  });

  test('a kind without a path of its own is found by discovery, asked once per group version; an unknown kind is a 404 naming it', async () => {
    const cluster = new Cluster((await connectKubeconfig(kube.kubeconfig, undefined, () => undefined)).connection);
    try {
      const before = kube.requests.length;
      for (const name of ['one', 'two']) await cluster.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData: { key: name } });
      const seen = kube.requests.slice(before).map((request) => `${request.method} ${request.path.split('?')[0]}`);
      expect(seen).toEqual(['GET /api/v1', `PATCH /api/v1/namespaces/${namespace}/secrets/one`, `PATCH /api/v1/namespaces/${namespace}/secrets/two`]);
      const unknown = await cluster.apply({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g', namespace } }).catch((error: unknown) => error);
      expect((unknown as Error).message).toBe('apply Gadget g: the API server has no kind Gadget in v1 (404 NotFound)');
      expect(await cluster.get({ apiVersion: 'example.com/v1', kind: 'Gadget', name: 'g', namespace })).toBeUndefined();
    } finally {
      await cluster.connection.dispatcher.close();
    }
  });
});
