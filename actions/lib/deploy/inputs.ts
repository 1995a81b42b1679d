/**
 * The inputs both deploy actions share, read and validated before anything heavy is loaded and
 * before any network call. Each action adds its own (on-failure; steps, step-pause).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readAwsInputs, type AwsInputs } from '../aws/inputs.js';
import { parseChecks, type Check } from '../check-spec.js';
import { isImageReference } from '../image-ref.js';
import { checkPathText } from '../paths.js';
import { InputError, parseDocument, parseInteger, readChoice, readDuration, readLines, readString, readUrl, type Env } from '../inputs.js';
import { readAnalysisInputs, type AnalysisInput } from './analysis.js';

export const MODES = ['deploy', 'promote', 'deploy-and-promote', 'rollback', 'abort'] as const;
export type Mode = (typeof MODES)[number];

/** EKS's rule for a cluster name. */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** A DNS-1123 label: what Kubernetes accepts as a namespace or an app's base name. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type ClusterAccess =
  | { kind: 'kubeconfig'; kubeconfig: string; source: string }
  | { kind: 'eks'; clusterName: string; aws: AwsInputs };

export type PreDeployJob = { kind: 'cronjob'; name: string } | { kind: 'manifest'; path: string };

export interface DeployInputs {
  mode: Mode;
  namespace: string;
  app: string;
  manifests: string[];
  image?: string;
  container?: string;
  service: string;
  previewService: string;
  preDeployJob?: PreDeployJob;
  checks: Check[];
  previewUrl?: string;
  postChecks: Check[];
  liveUrl?: string;
  rolloutTimeoutMs: number;
  /** undefined: `never` — keep the old colour running. */
  scaleDownDelayMs?: number;
  lockTimeoutMs: number;
  /** The history revision to roll back to (mode rollback); undefined: the one before the live release's. */
  revision?: number;
  cluster: ClusterAccess;
  /** role-to-assume and aws-region: for EKS, and for an analysis signed with SigV4. */
  aws?: AwsInputs;
  /** The analysis spec inputs given (by input name), each with its Prometheus access. */
  analyses: AnalysisInput[];
}

export function dnsLabel(name: string, value: string, max = 63): string {
  if (value.length > max || !DNS_LABEL.test(value)) {
    throw new InputError(name, `must be a Kubernetes name: lower-case letters, digits and '-', at most ${max} characters`);
  }
  return value;
}

async function readChecks(name: string, env: Env, cwd: string): Promise<Check[]> {
  const value = readString(name, env);
  if (!value) return [];
  // Without a base URL the checks go through the API server's service proxy, so relative URLs are the norm.
  return parseChecks(name, await parseDocument(name, value, cwd), true);
}

/** Kubeconfig content, as YAML or JSON: a path never looks like this. */
const KUBECONFIG_CONTENT = /^\s*(\{|(apiVersion|clusters|contexts|current-context|kind|users)\s*:)/m;

/** kubeconfig: the input (content or path), else $KUBECONFIG, else ~/.kube/config. */
function readKubeconfig(env: Env, cwd: string): ClusterAccess {
  const value = readString('kubeconfig', env);
  if (value.includes('\n') || KUBECONFIG_CONTENT.test(value)) return { kind: 'kubeconfig', kubeconfig: value, source: 'the kubeconfig input' };
  const candidates = value ? [value.startsWith('/') ? value : join(cwd, value)] : [...(env.KUBECONFIG ?? '').split(':').filter(Boolean), join(env.HOME ?? homedir(), '.kube', 'config')];
  const path = candidates.find((candidate) => existsSync(candidate));
  if (!path) {
    // Name the path only when it plainly is one: a mistyped kubeconfig content may hold a token.
    // Name the path only when it plainly is a kubeconfig file's: a token given here must never be echoed.
    const shown = value.length <= 200 && /^[\w./~@+-]+$/.test(value) && /(^|\/)(config|kubeconfig)$|\.(ya?ml|json|conf|kubeconfig)$/i.test(value) ? `: ${value}` : ' (the value is not shown: it may be a secret)';
    throw new InputError('kubeconfig', value ? `names a file that does not exist${shown}` : 'is required: give kubeconfig content or a path, set KUBECONFIG, or use cluster-name with role-to-assume and aws-region for EKS');
  }
  return { kind: 'kubeconfig', kubeconfig: path, source: path };
}

function readPreDeployJob(env: Env): PreDeployJob | undefined {
  const value = readString('pre-deploy-job', env);
  if (!value) return undefined;
  const cronjob = value.match(/^cronjob(?:\.batch)?\/(.+)$/);
  if (cronjob) return { kind: 'cronjob', name: dnsLabel('pre-deploy-job', cronjob[1], 52) };
  if (/\.(ya?ml|json)$/i.test(value)) return { kind: 'manifest', path: value };
  throw new InputError('pre-deploy-job', 'must be cronjob/<name> or the path of a Job manifest (.yaml, .yml or .json)');
}

function readRevision(env: Env, mode: Mode): number | undefined {
  const value = readString('revision', env);
  if (!value) return undefined;
  const revision = parseInteger('revision', value, { min: 1 });
  if (mode !== 'rollback') throw new InputError('revision', `is for mode rollback (the history revision to go back to), not mode ${mode}`);
  return revision;
}

/** `analysisInputs`: the action's analysis spec inputs, e.g. `['analysis']`. */
export async function readDeployInputs(env: Env = process.env, cwd = process.cwd(), analysisInputs: readonly string[] = []): Promise<DeployInputs> {
  const mode = readChoice('mode', MODES, 'deploy-and-promote', env);
  const app = readString('app', env);
  if (!app) throw new InputError('app', 'is required: the base name of the app (Deployments are <app>-blue and <app>-green)');
  // Room for the `-green` suffix and a ReplicaSet hash within Kubernetes' limits.
  dnsLabel('app', app, 40);
  const namespace = dnsLabel('namespace', readString('namespace', env) || 'default');
  const manifests = readLines('manifests', env).map((entry) => checkPathText('manifests', entry));
  const image = readString('image', env) || undefined;
  const stages = mode === 'deploy' || mode === 'deploy-and-promote';
  if (stages && manifests.length === 0) throw new InputError('manifests', `is required with mode ${mode}: the app's Deployment and Service`);
  if (image && !isImageReference(image)) throw new InputError('image', 'must be an image reference such as registry/app@sha256:… or registry/app:1.2.3');

  const clusterName = readString('cluster-name', env);
  if (clusterName && !EKS_CLUSTER_NAME.test(clusterName)) {
    throw new InputError('cluster-name', 'must be an EKS cluster name: 1 to 100 letters, digits, - and _, starting with a letter or digit');
  }
  const aws = readAwsInputs(env, clusterName ? { required: true, reason: 'with cluster-name (EKS)' } : {});
  // Without cluster-name, the role may still sign the analysis's queries (Amazon Managed Service for Prometheus).
  if (aws && !clusterName && readString('prometheus-auth', env) !== 'sigv4') throw new InputError('cluster-name', 'is required with role-to-assume and aws-region (EKS)');
  if (clusterName && readString('kubeconfig', env)) throw new InputError('kubeconfig', "and input 'cluster-name' cannot both be given: choose a kubeconfig or EKS");
  const cluster: ClusterAccess = clusterName && aws ? { kind: 'eks', clusterName, aws } : readKubeconfig(env, cwd);

  const scaleDownText = readString('scale-down-delay', env);
  const scaleDownDelayMs = scaleDownText === 'never' ? undefined : readDuration('scale-down-delay', 30_000, env);

  return {
    mode,
    namespace,
    app,
    manifests,
    image,
    container: readString('container', env) ? dnsLabel('container', readString('container', env)) : undefined,
    service: dnsLabel('service', readString('service', env) || app),
    previewService: dnsLabel('preview-service', readString('preview-service', env) || `${app}-preview`),
    preDeployJob: readPreDeployJob(env),
    checks: await readChecks('checks', env, cwd),
    previewUrl: readUrl('preview-url', env)?.toString(),
    postChecks: await readChecks('post-checks', env, cwd),
    liveUrl: readUrl('live-url', env)?.toString(),
    rolloutTimeoutMs: readDuration('rollout-timeout', 600_000, env),
    scaleDownDelayMs,
    lockTimeoutMs: readDuration('lock-timeout', 300_000, env),
    revision: readRevision(env, mode),
    cluster,
    aws,
    analyses: await readAnalysisInputs(analysisInputs, aws, env, cwd),
  };
}
