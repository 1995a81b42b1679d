/**
 * What runs inside a pod: one small HTTP server per pod, in this process, on its own loopback
 * port. It answers every GET (`/`, `/healthz`, anything) with the image's tag, its "version"; the
 * image's failure mode changes that (500 on /healthz when unhealthy, 503 while never ready,
 * delayed answers when slow; every Nth answer a 500 with `errors:<N>`, each answer `<ms>` later
 * with `latency:<ms>`). Crash-looping images get no server at all. Each pod exports its own
 * `/metrics` (requests by code and method, and their durations; /metrics itself not counted), as
 * an instrumented app does, for the Prometheus the analysis tests start. A deleted pod's server
 * drains for a moment before it closes, as a container that handles SIGTERM gracefully does while
 * kube-proxy stops sending it new connections: a connection that was routed to it just before
 * still gets its answer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpMetrics, METRICS_CONTENT_TYPE } from '../metrics.js';
import type { ImageMode } from './types.js';

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

export interface PodProcess {
  port: number;
  image: string;
  server: Server;
}

export class PodRuntime {
  private readonly pods = new Map<string, PodProcess>();

  constructor(
    private readonly modeOf: (image: string) => ImageMode,
    private readonly slowMs: number,
  ) {}

  /** Starts the server of a pod (by uid) if it is not running; resolves to its port. */
  async start(podUid: string, podName: string, image: string): Promise<number> {
    const running = this.pods.get(podUid);
    if (running) return running.port;
    const tag = imageTag(image);
    const metrics = new HttpMetrics();
    let served = 0;
    const server = createServer((request, response) => {
      const path = request.url?.split('?')[0];
      if (path === '/metrics') return void response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(metrics.render());
      const started = performance.now();
      const mode = this.modeOf(image);
      const answer = () => {
        served++;
        let status = 200;
        if (path === '/healthz') status = mode === 'unhealthy' ? 500 : mode === 'never-ready' ? 503 : 200;
        const every = numberIn(mode, 'errors');
        if (every && served % every === 0) status = 500;
        response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-pod-name': podName, 'x-image': image });
        response.end(status === 200 ? `${tag}\n` : `${tag} unhealthy\n`);
        metrics.observe(request.method ?? 'GET', status, (performance.now() - started) / 1000);
      };
      const delay = mode === 'slow' ? this.slowMs : (numberIn(mode, 'latency') ?? 0);
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    this.pods.set(podUid, { port, image, server });
    return port;
  }

  port(podUid: string): number | undefined {
    return this.pods.get(podUid)?.port;
  }

  uids(): string[] {
    return [...this.pods.keys()];
  }

  /** Stops a pod's server: at once, or after `drainMs` in which connections already routed to it are answered. */
  stop(podUid: string, drainMs = POD_DRAIN_MS): void {
    const pod = this.pods.get(podUid);
    if (!pod) return;
    this.pods.delete(podUid);
    const close = () => {
      pod.server.close();
      pod.server.closeAllConnections();
    };
    if (drainMs > 0) setTimeout(close, drainMs).unref();
    else close();
  }

  stopAll(): void {
    for (const uid of this.uids()) this.stop(uid, 0);
  }
}
