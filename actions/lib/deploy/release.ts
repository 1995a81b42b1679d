/**
 * What a run deploys, read from the workspace before any network call: the manifests (kustomize
 * rendered), classified; the pre-deploy Job manifest; the image and the digest of the two. Any
 * problem here is an input error, so a typo costs no API request.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../inputs.js';
import type { DeployInputs } from './inputs.js';
import { classify, loadManifests, type AppManifests } from './manifests.js';
import { cleanForApply, deploymentImage, type KubeObject } from './model.js';

export interface Release {
  /** Every rendered object, in order (what the history stores, Secrets left out). */
  objects: KubeObject[];
  manifests: AppManifests;
  image: string;
  /** The digest of manifests and image: equal digests, equal deploys. */
  digest: string;
}

export interface Prepared {
  /** Undefined when the mode deploys nothing from the workspace (promote without manifests, rollback, abort). */
  release?: Release;
  /** The pre-deploy Job from its manifest (a cronjob/<name> is read from the cluster later). */
  job?: KubeObject;
}

/** What the manifests and image of a deploy hash to: equal hashes, equal deploys. */
export function deployHash(objects: KubeObject[], image: string): string {
  return createHash('sha256').update(JSON.stringify([objects, image])).digest('hex').slice(0, 16);
}

function asInputError(name: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  return new InputError(name, `cannot be used: ${(error as Error).message}`);
}

export function releaseOf(objects: KubeObject[], inputs: Pick<DeployInputs, 'app' | 'service' | 'image' | 'container'>): Release {
  const manifests = classify(objects, inputs.app, inputs.service);
  const image = inputs.image ?? deploymentImage(manifests.deployment, inputs.container) ?? '';
  return { objects, manifests, image, digest: deployHash(objects, image) };
}

export async function prepare(inputs: DeployInputs, cwd: string): Promise<Prepared> {
  let release: Release | undefined;
  if (inputs.manifests.length) {
    try {
      release = releaseOf(await loadManifests(inputs.manifests, cwd), inputs);
    } catch (error) {
      throw asInputError('manifests', error);
    }
  }
  let job: KubeObject | undefined;
  if (inputs.preDeployJob?.kind === 'manifest') {
    const path = inputs.preDeployJob.path;
    let jobs: KubeObject[];
    try {
      jobs = (await loadManifests([path], cwd)).filter((object) => object.kind === 'Job');
    } catch (error) {
      throw asInputError('pre-deploy-job', error instanceof InputError ? new Error(`${path} matches no file`) : error);
    }
    if (jobs.length !== 1) throw new InputError('pre-deploy-job', `must name a file holding exactly one Job: ${path} holds ${jobs.length}`);
    job = cleanForApply(jobs[0]);
  }
  return { release, job };
}
