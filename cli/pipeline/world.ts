/**
 * The local world `npm start` runs the CD pipeline in: the Kubernetes emulator as its own process
 * (its standalone command, pods that really serve, real Service proxies), a local Slack, and a
 * temporary git repository holding a tagged release with its manifests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../catalog.js';

export interface Emulator {
  url: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

/** Starts `test/servers/kube/cli.ts` and resolves once it prints `ready <url>`. */
export async function startEmulatorProcess(dir: string, faultImages: Record<string, string>, namespace: string): Promise<Emulator> {
  const kubeconfig = join(dir, 'kubeconfig');
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  const args = [tsx, join(repoRoot, 'test', 'servers', 'kube', 'cli.ts'), '--kubeconfig', kubeconfig, '--namespace', namespace, '--pace', '0'];
  for (const [image, mode] of Object.entries(faultImages)) args.push('--fault-image', `${image}=${mode}`);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Kubernetes emulator did not start within 20 s: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = line.match(/^ready (\S+)/);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`the Kubernetes emulator exited (${code}): ${stderr}`)));
  });
  return {
    url,
    kubeconfig,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: backend-deployment, labels: { app: backend } }
spec:
  replicas: 2
  progressDeadlineSeconds: 30
  selector: { matchLabels: { app: backend } }
  template:
    metadata: { labels: { app: backend } }
    spec:
      containers:
      - name: backend
        image: sunday/backend:v1
        ports: [ { containerPort: 3000 } ]
        readinessProbe: { httpGet: { path: /, port: 3000 } }
`;
const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: backend, labels: { app: backend } }
spec: { selector: { app: backend }, ports: [ { name: http, port: 80, targetPort: 3000 } ] }
`;

export interface ReleaseRepo {
  dir: string;
  tag: string;
  sha: string;
}

/** A repository with release v1.0.0 and the release v2.0.0 being shipped (version, CHANGELOG, manifests). */
export function makeReleaseRepo(dir: string): ReleaseRepo {
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'k8s', 'production'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'release@sunday.example');
  git(dir, 'config', 'user.name', 'Sunday Release');
  const release = (version: string, notes: string[]) => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'backend', version }, null, 2) + '\n');
    const sections = notes.map((note, i) => `## [${notes.length - i}.0.0] - 2026-11-${20 + notes.length - i}\n\n- ${note}\n`);
    writeFileSync(join(dir, 'CHANGELOG.md'), `# Changelog\n\n${sections.join('\n')}`);
    writeFileSync(join(dir, 'src', 'index.ts'), `export const version = '${version}';\n`);
    writeFileSync(join(dir, 'k8s', 'production', 'backend.yaml'), `${DEPLOYMENT}---\n${SERVICE}`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `Release ${version}`);
    git(dir, 'tag', `v${version}`);
  };
  release('1.0.0', ['Boards and items']);
  release('2.0.0', ['Automations on boards', 'Boards and items']);
  return { dir, tag: 'v2.0.0', sha: git(dir, 'rev-parse', 'HEAD') };
}
