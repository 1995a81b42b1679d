/**
 * The app's manifests: files, folders and globs, a folder with kustomization.yaml rendered by
 * `kubectl kustomize`, split into the objects blue-green-deploy treats specially (the Deployment,
 * the stable Service, HPAs and PDBs) and the rest, applied as they are.
 */
import { execFile } from 'node:child_process';
import { existsSync, globSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { InputError } from '../inputs.js';
import type { KubeObject } from './model.js';

const run = promisify(execFile);
const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const YAML_FILE = /\.ya?ml$/i;

export interface AppManifests {
  deployment: KubeObject;
  service?: KubeObject;
  hpas: KubeObject[];
  pdbs: KubeObject[];
  /** ConfigMaps, Secrets and anything else, applied unchanged. */
  others: KubeObject[];
}

/** YAML documents of a file or stream, empty ones dropped, `List` kinds flattened. */
export function parseObjects(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length) throw new Error(`${source}: ${document.errors[0].message.split('\n')[0]}`);
    const value = document.toJS();
    if (value == null) continue;
    const items = value.kind === 'List' || value.kind?.endsWith?.('List') ? (value.items ?? []) : [value];
    for (const item of items) {
      if (!item?.kind || !item?.apiVersion || !item?.metadata?.name) throw new Error(`${source}: every object needs apiVersion, kind and metadata.name`);
      objects.push(item);
    }
  }
  return objects;
}

async function renderKustomization(dir: string): Promise<string> {
  try {
    const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const err = error as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new Error(`${dir} holds a kustomization, and rendering it needs kubectl on PATH`, { cause: error });
    throw new Error(`kubectl kustomize ${dir} failed: ${(err.stderr || err.message).trim()}`, { cause: error });
  }
}

async function loadPath(path: string, label: string): Promise<KubeObject[]> {
  if (statSync(path).isDirectory()) {
    if (KUSTOMIZATION.some((name) => existsSync(join(path, name)))) return parseObjects(await renderKustomization(path), label);
    const files = readdirSync(path).filter((name) => YAML_FILE.test(name)).sort();
    return files.flatMap((name) => parseObjects(readFileSync(join(path, name), 'utf8'), join(label, name)));
  }
  return parseObjects(readFileSync(path, 'utf8'), label);
}

/** Every object named by `entries` (files, folders or globs, relative to `cwd`), in order. */
export async function loadManifests(entries: string[], cwd: string): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const entry of entries) {
    const absolute = isAbsolute(entry) ? entry : join(cwd, entry);
    const paths = existsSync(absolute) ? [absolute] : globSync(entry, { cwd }).sort().map((match) => (isAbsolute(match) ? match : join(cwd, match)));
    if (paths.length === 0) throw new InputError('manifests', `names ${entry}, which matches no file`);
    for (const path of paths) objects.push(...(await loadPath(path, path.startsWith(cwd) ? path.slice(cwd.length + 1) : path)));
  }
  return objects;
}

function podLabelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** Picks the app's Deployment (the only one, or `<app>` / `<app>-deployment`), its Service (if any: a worker has none), HPAs and PDBs. */
export function classify(objects: KubeObject[], app: string, serviceName: string): AppManifests {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const deployment =
    deployments.length === 1 ? deployments[0] : deployments.find((d) => d.metadata.name === app || d.metadata.name === `${app}-deployment`);
  if (!deployment) {
    throw new Error(
      deployments.length
        ? `The manifests hold ${deployments.length} Deployments (${deployments.map((d) => d.metadata.name).join(', ')}); name the app's '${app}' or '${app}-deployment'`
        : "The manifests hold no Deployment: give the app's Deployment in 'manifests'",
    );
  }
  const podLabels: Record<string, string> = deployment.spec?.template?.metadata?.labels ?? {};
  const isAppHpa = (o: KubeObject) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.name === deployment.metadata.name;
  const isAppPdb = (o: KubeObject) => o.kind === 'PodDisruptionBudget' && podLabelsMatch(o.spec?.selector?.matchLabels, podLabels);
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName);
  return {
    deployment,
    service,
    hpas: objects.filter(isAppHpa),
    pdbs: objects.filter(isAppPdb),
    others: objects.filter((o) => o !== deployment && o !== service && !isAppHpa(o) && !isAppPdb(o) && o.kind !== 'Deployment'),
  };
}
