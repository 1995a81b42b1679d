/**
 * What runs inside a pod, shared by the emulator (pods on 127.0.0.1, one port each) and the node
 * agent of the real cluster (pods on their own addresses in a network namespace, on their
 * container ports): one small HTTP server per pod that answers every GET (`/`, `/healthz`,
 * anything) with the image's tag, its "version". The image's failure mode changes that (500 on
 * /healthz when unhealthy, 503 while never ready, delayed answers when slow), and decides how the
 * container lives: crash-looping images get no server at all, never-ready ones never get ready,
 * and a run-to-completion container ends by its mode (see `imageBehaviour`). A deleted pod's
 * server drains for a moment before it closes in the emulator, as a container that handles SIGTERM
 * gracefully does while kube-proxy stops sending it new connections: a connection routed to it just
 * before still gets its answer. Deterministic faults: every Nth answer is a 500 with `errors:<N>`,
 * each answer comes `<ms>` later with `latency:<ms>`. Each pod exports its own `/metrics` (requests
 * by code and method, and their durations; /metrics itself not counted), as an instrumented app
 * does, for the Prometheus the analysis tests start.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpMetrics, METRICS_CONTENT_TYPE } from '../metrics.js';
import { IMAGE_MODES, isImageMode, type ImageMode } from './types.js';

/** `registry:5000/team/web:v2@sha256:…` → `v2`; an untagged image is `latest`. */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon >= 0 ? lastSegment.slice(colon + 1) : 'latest';
}

/** How long a deleted pod keeps answering connections it already has (a graceful shutdown). */
const POD_DRAIN_MS = 500;

/** The number of `errors:<N>` or `latency:<ms>`, when the mode is that one. */
function numberIn(mode: ImageMode, kind: 'errors' | 'latency'): number | undefined {
  return mode.startsWith(`${kind}:`) ? Number(mode.slice(kind.length + 1)) : undefined;
}

/** Failure modes by image substring, e.g. `{ 'web:v3': 'never-ready' }`; the latest setting that matches wins. */
export class ImageModes {
  private readonly modes = new Map<string, ImageMode>();

  constructor(initial: Record<string, ImageMode> = {}) {
    for (const [substring, mode] of Object.entries(initial)) this.set(substring, mode);
  }

  /** Sets the mode of images whose name contains `substring` ('ok' heals them). */
  set(substring: string, mode: ImageMode): void {
    if (!isImageMode(mode)) throw new Error(`unknown image mode ${mode} (expected one of ${IMAGE_MODES.join(', ')})`);
    this.modes.delete(substring);
    this.modes.set(substring, mode);
  }

  of(image: string): ImageMode {
    let found: ImageMode = 'ok';
    for (const [substring, mode] of this.modes) if (image.includes(substring)) found = mode;
    return found;
  }

  entries(): [string, ImageMode][] {
    return [...this.modes];
  }
}

/** How a container of an image in a given mode lives, for any kubelet that runs it. */
export const imageBehaviour = {
  /** Whether its server runs at all (a crash-looping container never stays up). */
  serves: (mode: ImageMode): boolean => mode !== 'crash-loop',
  /** Whether it can pass as ready (a probe, when the pod has one, decides the rest). */
  canBeReady: (mode: ImageMode): boolean => mode !== 'never-ready' && mode !== 'crash-loop',
  /** Whether it starts late (by the runtime's `slowMs`). */
  startsLate: (mode: ImageMode): boolean => mode === 'slow',
  /** How a run-to-completion container ends once it has run; undefined: it never ends. */
  completion: (mode: ImageMode): 'Succeeded' | 'Failed' | undefined =>
    mode === 'never-ready' ? undefined : mode === 'unhealthy' || mode === 'crash-loop' ? 'Failed' : 'Succeeded',
};

/** The status a pod's server answers for a request path. */
export function answerStatus(mode: ImageMode, path: string): number {
  if (path.split('?')[0] !== '/healthz') return 200;
  return mode === 'unhealthy' ? 500 : mode === 'never-ready' ? 503 : 200;
}

/** Where a pod's server listens: loopback on a free port (the emulator), or an address and its container ports. */
export interface PodListen {
  host: string;
  ports: number[];
}

export interface PodProcess {
  /** The first port it listens on. */
  port: number;
  image: string;
  servers: Server[];
}

export class PodRuntime {
  private readonly pods = new Map<string, PodProcess>();

  constructor(
    private readonly modeOf: (image: string) => ImageMode,
    private readonly slowMs: number,
  ) {}

  /** Starts the server of a pod (by uid) if it is not running; resolves to its (first) port. */
  async start(podUid: string, podName: string, image: string, listen: PodListen = { host: '127.0.0.1', ports: [0] }): Promise<number> {
    const running = this.pods.get(podUid);
    if (running) return running.port;
    const tag = imageTag(image);
    const metrics = new HttpMetrics();
    let served = 0;
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      const path = request.url?.split('?')[0];
      if (path === '/metrics') return void response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(metrics.render());
      const started = performance.now();
      const mode = this.modeOf(image);
      const answer = () => {
        served++;
        let status = answerStatus(mode, request.url ?? '/');
        const every = numberIn(mode, 'errors');
        if (every && served % every === 0) status = 500;
        response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-pod-name': podName, 'x-image': image });
        response.end(status === 200 ? `${tag}\n` : `${tag} unhealthy\n`);
        metrics.observe(request.method ?? 'GET', status, (performance.now() - started) / 1000);
      };
      const delay = mode === 'slow' ? this.slowMs : (numberIn(mode, 'latency') ?? 0);
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    };
    const servers: Server[] = [];
    try {
      for (const port of listen.ports) {
        const server = createServer(handler);
        server.keepAliveTimeout = 1000;
        servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, listen.host, () => resolve());
        });
      }
    } catch (error) {
      for (const server of servers) server.close();
      throw error;
    }
    const pod = { port: (servers[0].address() as AddressInfo).port, image, servers };
    this.pods.set(podUid, pod);
    return pod.port;
  }

  port(podUid: string): number | undefined {
    return this.pods.get(podUid)?.port;
  }

  uids(): string[] {
    return [...this.pods.keys()];
  }

  /**
   * Stops a pod's server: at once (`drainMs` 0, the node agent's deletion), or after `drainMs` in which
   * connections already routed to it are answered (the emulator's default).
   */
  stop(podUid: string, drainMs = POD_DRAIN_MS): void {
    const pod = this.pods.get(podUid);
    if (!pod) return;
    this.pods.delete(podUid);
    const close = () => {
      for (const server of pod.servers) {
        server.close();
        server.closeAllConnections();
      }
    };
    if (drainMs > 0) setTimeout(close, drainMs).unref();
    else close();
  }

  stopAll(): void {
    for (const uid of this.uids()) this.stop(uid, 0);
  }
}
