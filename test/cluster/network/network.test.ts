/**
 * The pod network and the pod host on their own: a namespace with a veth pair and a /24, a pod
 * server started inside it over stdio and reached from the host by its own address, stopped at
 * once, and a namespace left by a killed run removed at the next start. Needs root and iproute2.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { httpGet } from '../../kube/helpers.js';
import { createPodNetwork, overlaps, usedPrefixes, type PodNetwork } from './index.js';
import { startPodHost, type PodHost } from '../agent/pod-host-client.js';

const run = promisify(execFile);

/** A GET on a fresh connection: status, body and the answering pod. */
async function fetchText(url: string): Promise<{ status: number; body: string; pod: string }> {
  const answer = await httpGet(url);
  return { status: answer.status, body: answer.body, pod: String(answer.headers['x-pod-name']) };
}

async function namespaces(): Promise<string[]> {
  return (await run('ip', ['netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0]).filter(Boolean);
}

describe('pod network prefixes', () => {
  test('routes and addresses of the host count as used, default does not', () => {
    const used = usedPrefixes('default via 192.0.2.1 dev eth0\n192.0.2.0/24 dev eth0 proto kernel\nlocal 127.0.0.1 dev lo table local\n', 'inet 10.213.4.1/24 scope global x\n');
    expect(used).toEqual(['192.0.2.0/24', '127.0.0.1', '10.213.4.1/24']);
    expect(overlaps('10.213.4.0/24', used)).toBe(true);
    expect(overlaps('10.213.5.0/24', used)).toBe(false);
    expect(overlaps('10.213.5.0/24', ['10.0.0.0/8'])).toBe(true);
  });
});

describe('pod network', () => {
  let network: PodNetwork;
  let host: PodHost;

  beforeAll(async () => {
    network = await createPodNetwork();
    host = await startPodHost(network, { slowMs: 50 });
  });
  afterAll(async () => {
    await host?.close();
    await network?.remove();
  });

  test('a /24 no route of the host uses, with the host side of the veth as .1', async () => {
    expect(network.podCidr).toMatch(/^10\.213\.\d+\.0\/24$/);
    expect(network.hostAddress).toBe(network.podCidr.replace('.0/24', '.1'));
    const { stdout } = await run('ip', ['-4', 'route', 'get', network.hostAddress.replace(/\.1$/, '.77')]);
    expect(stdout).toContain(`${network.name.split('-')[0]}${network.podCidr.split('.')[2]}`);
    expect(await namespaces()).toContain(network.name);
  });

  test('a pod serves on its own address and ports, reached from the host over the veth; stopping it cuts it at once', async () => {
    const address = network.allocate();
    await network.attach(address);
    const port = await host.start({ uid: 'uid-1', name: 'web-1', image: 'registry/web:v2', host: address, ports: [8080, 9090] });
    expect(port).toBe(8080);
    expect(await fetchText(`http://${address}:8080/`)).toEqual({ status: 200, body: 'v2\n', pod: 'web-1' });
    expect((await fetchText(`http://${address}:9090/healthz`)).status).toBe(200);

    await host.setMode('web:v2', 'unhealthy');
    expect((await fetchText(`http://${address}:8080/healthz`)).status).toBe(500);
    await host.setMode('web:v2', 'ok');

    // The address is not bound in the host's own namespace: only the veth route leads there.
    await expect(run('ip', ['-4', 'addr', 'show', 'to', `${address}/32`])).resolves.toMatchObject({ stdout: '' });

    await host.stop('uid-1');
    await expect(fetchText(`http://${address}:8080/`)).rejects.toThrow(/ECONNREFUSED/);
    await network.release(address);
  });

  test('two pods get different addresses and can use the same port', async () => {
    const [a, b] = [network.allocate(), network.allocate()];
    expect(a).not.toBe(b);
    await Promise.all([network.attach(a), network.attach(b)]);
    await host.start({ uid: 'a', name: 'pod-a', image: 'web:v1', host: a, ports: [80] });
    await host.start({ uid: 'b', name: 'pod-b', image: 'web:v2', host: b, ports: [80] });
    expect((await fetchText(`http://${a}/`)).pod).toBe('pod-a');
    expect((await fetchText(`http://${b}/`)).body).toBe('v2\n');
    await host.stop('a');
    await host.stop('b');
  });

  test('a start that cannot bind answers an error, not a hang', async () => {
    await expect(host.start({ uid: 'c', name: 'pod-c', image: 'web:v1', host: '10.213.255.254', ports: [80] })).rejects.toThrow(/EADDRNOTAVAIL/);
  });
});

describe('stale namespaces', () => {
  test('a namespace left by a run whose process is gone is removed at the next start; a live one is kept', async () => {
    // A pid that is surely dead: a process that has exited.
    const child = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const stale = `sapod-${child.stdout}-250`;
    await run('ip', ['netns', 'add', stale]);
    const first = await createPodNetwork();
    try {
      expect(await namespaces()).not.toContain(stale);
      const second = await createPodNetwork();
      expect(second.podCidr).not.toBe(first.podCidr);
      expect(await namespaces()).toEqual(expect.arrayContaining([first.name, second.name]));
      await second.remove();
      expect(await namespaces()).not.toContain(second.name);
    } finally {
      await first.remove();
      await run('ip', ['netns', 'del', stale]).catch(() => undefined);
    }
  });
});
