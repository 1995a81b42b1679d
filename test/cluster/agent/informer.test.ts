/**
 * The agent's informer against the emulator, which now speaks a real API server's watch errors:
 * an `ERROR` event with a 410 Status makes it relist and rewatch (telling its handler what changed
 * meanwhile), a cut stream resumes from the last version without a relist, 429s with Retry-After
 * are waited out. Watches only: the handler hears of each change as it happens.
 */
import { startKubeEmulator, type KubeEmulator } from '../../servers/kube/index.js';
import { Informer, type ChangeType } from './informer.js';
import { createKubeClient, type KubeClient } from './kube-client.js';

let kube: KubeEmulator;
let client: KubeClient;

beforeAll(async () => {
  kube = await startKubeEmulator({ pace: 0 });
  client = await createKubeClient(kube.kubeconfig);
});
afterAll(async () => {
  await client?.close();
  await kube?.stop();
});

const configMap = (name: string, value = '1') => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value } });

/** An informer whose handler records changes, and a way to wait for the next one that matches. */
async function recordingInformer(path: string) {
  const changes: string[] = [];
  const waiters: { match: (change: string) => boolean; resolve: () => void }[] = [];
  const informer = new Informer(client, { path }, (type: ChangeType, object) => {
    const value = (object.data as { value?: string } | undefined)?.value;
    const change = `${type} ${object.metadata.name}${value ? `=${value}` : ''}`;
    changes.push(change);
    for (const waiter of waiters.filter((w) => w.match(change))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const until = (change: string) => (changes.includes(change) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ match: (c) => c === change, resolve })));
  await informer.start();
  return { informer, changes, until };
}

test('list, then every change from the watch, in order', async () => {
  await client.create('/api/v1/namespaces/default/configmaps', configMap('a'));
  const { informer, changes, until } = await recordingInformer('/api/v1/namespaces/default/configmaps');
  try {
    expect(changes).toContain('ADDED a=1');
    await client.patch('/api/v1/namespaces/default/configmaps/a', { data: { value: '2' } });
    await until('MODIFIED a=2');
    await client.delete('/api/v1/namespaces/default/configmaps/a');
    await until('DELETED a=2');
    expect(informer.get('default', 'a')).toBeUndefined();
    expect(informer.relists).toBe(0);
  } finally {
    await informer.stop();
  }
});

test('an ERROR 410 event makes it relist and rewatch; what changed meanwhile reaches the handler', async () => {
  await client.create('/api/v1/namespaces/default/configmaps', configMap('b'));
  const { informer, until } = await recordingInformer('/api/v1/namespaces/default/configmaps');
  try {
    // The next watch gets 200, then an ERROR event carrying 410 Expired (what a real server sends
    // for a too-old version); the current stream is cut so that a new watch is made.
    kube.injectFault({ verb: 'watch', path: '/configmaps', watchGone: true });
    kube.store.put(configMap('c') as never);
    kube.dropWatches();
    await until('ADDED c=1');
    await client.patch('/api/v1/namespaces/default/configmaps/b', { data: { value: '3' } });
    await until('MODIFIED b=3');
    expect(informer.relists).toBe(1);
    expect(informer.items().map((o) => o.metadata.name).sort()).toEqual(['b', 'c']);
  } finally {
    await informer.stop();
  }
});

test('a stream cut without an error resumes from the last version, with no relist', async () => {
  const { informer, until } = await recordingInformer('/api/v1/namespaces/default/configmaps');
  try {
    kube.dropWatches();
    await client.create('/api/v1/namespaces/default/configmaps', configMap('d'));
    await until('ADDED d=1');
    expect(informer.relists).toBe(0);
  } finally {
    await informer.stop();
  }
});

test('a 429 with Retry-After on the list is waited out, not fatal', async () => {
  kube.injectFault({ verb: 'list', path: '/secrets', status: 429, retryAfterSeconds: 1, count: 1 });
  const started = Date.now();
  const { informer } = await recordingInformer('/api/v1/namespaces/default/secrets');
  await informer.stop();
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
});
