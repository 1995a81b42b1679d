/**
 * The clusters before the CD runs: release v1.0.0 of backend and frontend live in staging and
 * production (deployed by the committed blue-green-deploy bundle, as an earlier pipeline would
 * have), the production CronJob `database-backup` the CD template runs before a deploy, and the
 * repository variables that name each app's live URL.
 */
import { join } from 'node:path';
import type { KubeObject } from '../servers/kube/index.js';
import { runStep } from '../harness.js';
import type { Stage } from './stage.js';

export const ENVIRONMENTS = ['staging', 'production'] as const;
export const APPS = ['backend', 'frontend'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export type App = (typeof APPS)[number];

export const BACKUP_CRONJOB: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'database-backup', namespace: 'sunday-production' },
  spec: {
    schedule: '17 2 * * *',
    jobTemplate: { spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'backup', image: 'sunday/database-backup:v3' }] } } } },
  },
};

/** The image of a release by tag (its pods answer the tag, e.g. `v1.0.0`). */
export const taggedImage = (stage: Stage, app: App, tag: string) => `${stage.world.registry.host}/sunday-${app}:${tag}`;
/** The image of release v1.0.0, live everywhere before the CD runs. */
export const previousImage = (stage: Stage, app: App) => taggedImage(stage, app, 'v1.0.0');

/** Deploys a release of both apps to an environment with the committed blue-green-deploy bundle, as an earlier pipeline would have. */
export async function deployRelease(stage: Stage, environment: Environment, tag: string): Promise<void> {
  const kubeconfig = join(stage.dir, 'seed-kubeconfig');
  await stage.world.kube.writeKubeconfig(kubeconfig);
  stage.repo.checkout(tag);
  for (const app of APPS) {
    const r = await runStep('blue-green-deploy', {
      workspace: stage.repo.dir,
      inputs: { app, namespace: `sunday-${environment}`, manifests: `k8s/${environment}`, image: taggedImage(stage, app, tag), kubeconfig, mode: 'deploy-and-promote', 'scale-down-delay': '0s' },
    });
    if (r.exitCode !== 0) throw new Error(`deploying ${app} ${tag} to ${environment} failed:\n${r.log}`);
  }
}

export async function seedClusters(stage: Stage): Promise<void> {
  const { world } = stage;
  world.kube.store.put(BACKUP_CRONJOB);
  for (const environment of ENVIRONMENTS) await deployRelease(stage, environment, 'v1.0.0');
  world.vars.STAGING_API_URL = await world.liveUrl('staging', 'backend');
  world.vars.PRODUCTION_API_URL = await world.liveUrl('production', 'backend');
  world.vars.STAGING_WEB_URL = await world.liveUrl('staging', 'frontend');
  world.vars.PRODUCTION_WEB_URL = await world.liveUrl('production', 'frontend');
}

/** What the live URL of an app answers now: its body and the image of the pod that answered. */
export async function serving(stage: Stage, environment: Environment, app: App): Promise<{ body: string; image: string }> {
  const response = await fetch(await stage.world.liveUrl(environment, app), { headers: { connection: 'close' } });
  return { body: (await response.text()).trim(), image: response.headers.get('x-image') ?? '' };
}
