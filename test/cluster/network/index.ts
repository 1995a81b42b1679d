/**
 * A pod network of the test's own: a network namespace joined to the host by a veth pair, with a
 * private /24 (10.213.X.0/24 by default). The host side of the veth takes .1 (the API server's
 * `--advertise-address`), the namespace side .2, and each pod one more address of the /24 on the
 * namespace side, so the host (the API server's proxy, probes, our kube-proxy) reaches pods by
 * their IPs over the veth route. Kubernetes refuses loopback addresses in Endpoints and
 * EndpointSlices; these it accepts.
 *
 * Needs root and iproute2's `ip`. Namespaces are named `<prefix>-<pid>-<X>`: a run that was killed
 * leaves one behind, and the next run removes every namespace of the prefix whose pid is dead.
 * The host side of the veth is named after X alone (`<prefix>X`), and interface names are unique,
 * so creating it is what claims X: two runs starting together can never take the same /24.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PodNetworkOptions {
  /** Namespace and interface name prefix; at most 9 characters. Default `sapod`. */
  prefix?: string;
  /** The first two octets of the /24s to pick from. Default `10.213`. */
  base?: string;
  /** The `ip` program. Default `ip` on PATH. */
  ipPath?: string;
}

export interface PodNetwork {
  /** The network namespace's name. */
  name: string;
  /** The host side of the veth, e.g. `10.213.7.1`. */
  hostAddress: string;
  /** The namespace side of the veth (its own address, never a pod's). */
  gatewayAddress: string;
  /** e.g. `10.213.7.0/24`. */
  podCidr: string;
  /** The interface inside the namespace that carries the pod addresses. */
  podInterface: string;
  /** The next free pod address of the /24 (not yet on the interface: see `attach`). */
  allocate(): string;
  /** Puts an allocated address on the namespace side of the veth, so it can be bound and reached. */
  attach(address: string): Promise<void>;
  /** Takes an address off the interface and frees it for `allocate`. */
  release(address: string): Promise<void>;
  /** `ip netns exec <name> …command`: the argv that runs a command inside the namespace. */
  execArgs(command: string[]): string[];
  remove(): Promise<void>;
}

const POD_INTERFACE = 'eth0';
const FIRST_POD_HOST = 10;
const LAST_POD_HOST = 254;

async function ip(ipPath: string, args: string[]): Promise<string> {
  try {
    return (await run(ipPath, args)).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(' ')}: ${stderr || (error as Error).message}`, { cause: error });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** IPv4 prefix `a.b.c.d/n` as [first address, last address] integers. */
function range(cidr: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidr);
  if (!match) return undefined;
  const bits = match[5] === undefined ? 32 : Number(match[5]);
  const value = match.slice(1, 5).reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - bits);
  const first = value - (value % size);
  return [first, first + size - 1];
}

/** The prefixes of every IPv4 route and address on the host (`default` is left out: it overlaps all). */
export function usedPrefixes(routeTable: string, addresses: string): string[] {
  const prefixes = routeTable
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map((words) => (['local', 'broadcast', 'unicast', 'blackhole', 'unreachable', 'prohibit'].includes(words[0]) ? words[1] : words[0]))
    .filter((word) => word && word !== 'default' && /^\d/.test(word));
  for (const match of addresses.matchAll(/\binet (\d+\.\d+\.\d+\.\d+\/\d+)/g)) prefixes.push(match[1]);
  return prefixes;
}

/** True when `cidr` shares an address with any of `used`. */
export function overlaps(cidr: string, used: string[]): boolean {
  const [first, last] = range(cidr)!;
  return used.some((prefix) => {
    const other = range(prefix);
    return other !== undefined && other[0] <= last && first <= other[1];
  });
}

/** Removes the namespaces of this prefix whose creating process is gone; returns their names. */
export async function removeStaleNetworks(prefix = 'sapod', ipPath = 'ip'): Promise<string[]> {
  const listing = await ip(ipPath, ['netns', 'list']);
  const pattern = new RegExp(`^${prefix}-(\\d+)-(\\d+)$`);
  const removed: string[] = [];
  for (const line of listing.split('\n')) {
    const name = line.split(' ')[0];
    const match = pattern.exec(name);
    if (!match || pidAlive(Number(match[1]))) continue;
    // A pod host left running inside keeps the veth alive; it has lost its parent and is ours.
    const pids = (await ip(ipPath, ['netns', 'pids', name]).catch(() => '')).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await ip(ipPath, ['netns', 'del', name]).catch(() => undefined);
    await ip(ipPath, ['link', 'del', `${prefix}${match[2]}`]).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

export async function createPodNetwork(options: PodNetworkOptions = {}): Promise<PodNetwork> {
  const prefix = options.prefix ?? 'sapod';
  const base = options.base ?? '10.213';
  const ipPath = options.ipPath ?? 'ip';
  if (!/^[a-z][a-z0-9]{0,8}$/.test(prefix)) throw new Error(`pod network: prefix must be 1-9 lowercase letters or digits, got ${prefix}`);
  if (!/^\d{1,3}\.\d{1,3}$/.test(base)) throw new Error(`pod network: base must be two octets such as 10.213, got ${base}`);
  if (process.getuid?.() !== 0) throw new Error('pod network: network namespaces need root');

  await removeStaleNetworks(prefix, ipPath);
  const used = usedPrefixes(await ip(ipPath, ['-4', 'route', 'show', 'table', 'all']), await ip(ipPath, ['-4', 'addr', 'show']));

  for (let octet = 0; octet <= 255; octet++) {
    const podCidr = `${base}.${octet}.0/24`;
    if (overlaps(podCidr, used)) continue;
    const hostLink = `${prefix}${octet}`;
    const name = `${prefix}-${process.pid}-${octet}`;
    await ip(ipPath, ['netns', 'add', name]);
    try {
      await ip(ipPath, ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', POD_INTERFACE, 'netns', name]);
    } catch (error) {
      await ip(ipPath, ['netns', 'del', name]).catch(() => undefined);
      // Another run holds this /24 (its host link has the name): try the next one.
      if (/File exists/.test((error as Error).message)) continue;
      throw error;
    }
    const network = setUp(ipPath, name, hostLink, `${base}.${octet}`);
    try {
      await network.configure();
    } catch (error) {
      await network.remove();
      throw error;
    }
    return network;
  }
  throw new Error(`pod network: no free /24 under ${base}.0.0/16`);
}

function setUp(ipPath: string, name: string, hostLink: string, net: string): PodNetwork & { configure(): Promise<void> } {
  const hostAddress = `${net}.1`;
  const gatewayAddress = `${net}.2`;
  const inUse = new Set<string>();
  let next = FIRST_POD_HOST;
  let removed = false;
  // A run that ends without remove() (a test that threw, a forced exit) should still leave nothing.
  const onExit = () => {
    try {
      execFileSync(ipPath, ['netns', 'del', name], { stdio: 'ignore' });
      execFileSync(ipPath, ['link', 'del', hostLink], { stdio: 'ignore' });
    } catch {
      // gone already
    }
  };
  process.once('exit', onExit);

  return {
    name,
    hostAddress,
    gatewayAddress,
    podCidr: `${net}.0/24`,
    podInterface: POD_INTERFACE,
    async configure() {
      await ip(ipPath, ['addr', 'add', `${hostAddress}/24`, 'dev', hostLink]);
      await ip(ipPath, ['link', 'set', hostLink, 'up']);
      await ip(ipPath, ['-n', name, 'link', 'set', 'lo', 'up']);
      await ip(ipPath, ['-n', name, 'addr', 'add', `${gatewayAddress}/24`, 'dev', POD_INTERFACE]);
      await ip(ipPath, ['-n', name, 'link', 'set', POD_INTERFACE, 'up']);
      await ip(ipPath, ['-n', name, 'route', 'add', 'default', 'via', hostAddress]);
    },
    allocate() {
      for (let tried = 0; tried <= LAST_POD_HOST - FIRST_POD_HOST; tried++) {
        const candidate = `${net}.${next}`;
        next = next >= LAST_POD_HOST ? FIRST_POD_HOST : next + 1;
        if (!inUse.has(candidate)) {
          inUse.add(candidate);
          return candidate;
        }
      }
      throw new Error(`pod network ${name}: every address of ${net}.0/24 is in use`);
    },
    async attach(address) {
      if (!inUse.has(address)) throw new Error(`pod network ${name}: ${address} was not allocated`);
      await ip(ipPath, ['-n', name, 'addr', 'replace', `${address}/32`, 'dev', POD_INTERFACE]);
    },
    async release(address) {
      if (!inUse.delete(address)) return;
      await ip(ipPath, ['-n', name, 'addr', 'del', `${address}/32`, 'dev', POD_INTERFACE]).catch(() => undefined);
    },
    execArgs: (command) => [ipPath, 'netns', 'exec', name, ...command],
    async remove() {
      if (removed) return;
      removed = true;
      process.removeListener('exit', onExit);
      await ip(ipPath, ['netns', 'del', name]).catch(() => undefined);
      // The host link goes with the namespace's side unless a process still holds the namespace.
      await ip(ipPath, ['link', 'del', hostLink]).catch(() => undefined);
    },
  };
}
