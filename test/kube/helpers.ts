/** What the emulator's tests share: running real kubectl, plain HTTP GETs on fresh connections, polling. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';

/** The kubectl binary: `$KUBECTL`, or the first `kubectl` on PATH. Missing kubectl fails the tests loudly. */
export function kubectlPath(): string {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('kubectl not found on PATH (set KUBECTL): the emulator tests need the real binary');
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A kubectl bound to one kubeconfig, with its own discovery cache (shared by its calls, so later ones skip discovery). */
export function kubectlFor(kubeconfig: string) {
  const binary = kubectlPath();
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: cacheDir, HOME: cacheDir };
  const run = (args: string[], input?: string, timeoutMs = 20_000): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(binary, args, { env, timeout: timeoutMs }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  const spawnKubectl = (args: string[]): ChildProcess => spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return { run, spawn: spawnKubectl, env };
}

/** GET on a new connection (no keep-alive), so each request goes through the Service proxy afresh. */
export function httpGet(url: string): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    }).on('error', reject);
  });
}

/** Polls `probe` every 10 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Collects a child's stdout from now on; `until(text)` resolves once it has appeared. */
export function outputOf(child: ChildProcess) {
  let output = '';
  const waiters: (() => void)[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiters.splice(0)) check();
  });
  const until = (text: string | RegExp, timeoutMs = 5000): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${text} in: ${output}`)), timeoutMs);
      const check = () => {
        if (typeof text === 'string' ? output.includes(text) : text.test(output)) {
          clearTimeout(timer);
          resolve(output);
        } else waiters.push(check);
      };
      check();
    });
  return { until, text: () => output };
}

export const deploymentManifest = (name: string, image: string, options: { replicas?: number; labels?: Record<string, string>; progressDeadlineSeconds?: number; readinessProbe?: boolean } = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas: options.replicas ?? 2,
    ...(options.progressDeadlineSeconds ? { progressDeadlineSeconds: options.progressDeadlineSeconds } : {}),
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name, ...options.labels } },
      spec: {
        containers: [
          {
            name: 'app',
            image,
            ports: [{ containerPort: 8080 }],
            ...(options.readinessProbe ? { readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } } : {}),
          },
        ],
      },
    },
  },
});

/** Writes one object, or a list of them as YAML documents, to `dir/name` for `kubectl apply -f`; returns the path. */
export function writeManifest(dir: string, name: string, body: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, Array.isArray(body) ? body.map((document) => stringify(document)).join('---\n') : stringify(body));
  return path;
}
