/**
 * The outside world of the workflow runs, all on 127.0.0.1: GitHub's OIDC token service, STS
 * trusting it, ECR whose tokens open a real docker-registry, EKS describing two clusters served by
 * one Kubernetes emulator (strict: TLS, and it accepts only EKS tokens presigned by the local STS
 * for that cluster), Slack, GitHub's REST API, and an npm registry that refuses every connection
 * (nothing may be fetched from outside). The jobs reach them only through the variables a runner
 * or the job would have: ACTIONS_ID_TOKEN_REQUEST_*, AWS_ENDPOINT_URL_*, GITHUB_API_URL,
 * SLACK_API_URL, npm_config_registry — never through inputs added for tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyEksToken } from '../../actions/lib/aws/eks-token.js';
import { startEcrServer, type EcrServer } from '../servers/ecr/server.js';
import { startEksServer, type EksServer } from '../servers/eks/server.js';
import { start as startGitHubServer, type GitHubServer } from '../servers/github/server.js';
import { refusedUrl } from '../servers/http-target/server.js';
import { startKubeEmulator, type KubeEmulator } from '../servers/kube/index.js';
import { startOidcServer, type OidcServer } from '../servers/oidc/server.js';
import { startRegistry, type Registry } from '../servers/registry/registry.js';
import { startSlackServer, type SlackServer } from '../servers/slack/server.js';
import { startStsServer, type StsServer } from '../servers/sts/server.js';
import { FIXTURE_REPOSITORY } from './fixture-repo.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const CI_ROLE = `arn:aws:iam::${ACCOUNT}:role/sunday-ci-ecr-push`;
export const DEPLOY_ROLES = {
  staging: `arn:aws:iam::${ACCOUNT}:role/sunday-deploy-staging`,
  production: `arn:aws:iam::${ACCOUNT}:role/sunday-deploy-production`,
};
export const CLUSTERS = { staging: 'sunday-staging', production: 'sunday-production' };
export const SLACK_CHANNEL = 'deploys';
const ECR_PASSWORD = 'ecr-registry-password-for-act-runs-5c1d';
const HOST = 'token.actions.githubusercontent.com';

export interface World {
  oidc: OidcServer;
  sts: StsServer;
  registry: Registry;
  ecr: EcrServer;
  eks: EksServer;
  kube: KubeEmulator;
  slack: SlackServer;
  github: GitHubServer;
  /** The Authorization header the registry accepts (what ECR's token opens). */
  registryAuth: string;
  /** EKS tokens the cluster accepted: the role ARN each was made from. */
  clusterCallers: string[];
  /** Environment every job gets (what a runner and the repository's set-up would give it). */
  env: Record<string, string>;
  /** The repository's Actions variables. */
  vars: Record<string, string>;
  secrets: Record<string, string>;
  /** The live URL of an app in an environment (a local port in front of its Service). */
  liveUrl(environment: 'staging' | 'production', app: 'backend' | 'frontend'): Promise<string>;
  stop(): Promise<void>;
}

export async function startWorld(dir: string): Promise<World> {
  const oidc = await startOidcServer();
  oidc.setClaims({ repository: FIXTURE_REPOSITORY, repository_owner: 'sunday' });
  // act cannot tell the issuer which job asks: every token carries the same claims, so the trust
  // policies here check the audience and the repository, not the job (see docs/workflows.md).
  const trust = { StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${HOST}:sub`]: `repo:${FIXTURE_REPOSITORY}:*` } };
  const sts = await startStsServer({
    providers: [{ issuer: oidc.issuer, jwksUrl: oidc.jwksUrl, audiences: ['sts.amazonaws.com'] }],
    roles: [CI_ROLE, ...Object.values(DEPLOY_ROLES)].map((arn) => ({ arn, federated: oidc.issuer, conditions: trust })),
  });
  const registry = await startRegistry({ users: { AWS: ECR_PASSWORD } });
  const ecr = await startEcrServer({ lookup: sts.lookup, password: ECR_PASSWORD, proxyEndpoint: registry.url });
  const clusterCallers: string[] = [];
  const stsHost = new URL(sts.url).host;
  // The emulator also accepts its own kubeconfig's token: the tests seed the clusters with it.
  const seedToken = randomBytes(24).toString('base64url');
  const kube = await startKubeEmulator({
    strict: true,
    token: seedToken,
    pace: 0,
    namespaces: ['sunday-staging', 'sunday-production'],
    tokenCheck: async (token) => {
      if (token === seedToken) return true;
      for (const cluster of Object.values(CLUSTERS)) {
        const identity = await verifyEksToken(token, cluster, { allowedHosts: [stsHost] }).catch(() => undefined);
        if (identity) return (clusterCallers.push(identity.arn), true);
      }
      return false;
    },
  });
  const caData = Buffer.from(kube.caCert!).toString('base64');
  const eks = await startEksServer({ lookup: sts.lookup, clusters: Object.values(CLUSTERS).map((name) => ({ name, endpoint: kube.url, caData })) });
  const slack = await startSlackServer();
  const github = await startGitHubServer();
  const npmRegistry = await refusedUrl();

  // buildah's storage and credentials of this run's own (jest runs files in parallel).
  const buildah = join(dir, 'buildah');
  mkdirSync(buildah, { recursive: true });
  writeFileSync(join(buildah, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${join(buildah, 'storage')}"\nrunroot = "${join(buildah, 'run')}"\n`);

  return {
    oidc,
    sts,
    registry,
    ecr,
    eks,
    kube,
    slack,
    github,
    registryAuth: `Basic ${Buffer.from(`AWS:${ECR_PASSWORD}`).toString('base64')}`,
    clusterCallers,
    env: {
      ...oidc.env(),
      AWS_ENDPOINT_URL_STS: sts.url,
      AWS_ENDPOINT_URL_ECR: ecr.url,
      AWS_ENDPOINT_URL_EKS: eks.url,
      GITHUB_API_URL: github.url,
      SLACK_API_URL: slack.apiUrl,
      npm_config_registry: `${npmRegistry}/`,
      CONTAINERS_STORAGE_CONF: join(buildah, 'storage.conf'),
      REGISTRY_AUTH_FILE: join(buildah, 'auth.json'),
    },
    vars: {
      AWS_REGION: REGION,
      ECR_REGISTRY: registry.host,
      AWS_CI_ROLE_ARN: CI_ROLE,
      STAGING_EKS_CLUSTER: CLUSTERS.staging,
      PRODUCTION_EKS_CLUSTER: CLUSTERS.production,
      STAGING_DEPLOY_ROLE_ARN: DEPLOY_ROLES.staging,
      PRODUCTION_DEPLOY_ROLE_ARN: DEPLOY_ROLES.production,
      SLACK_DEPLOY_CHANNEL: SLACK_CHANNEL,
    },
    secrets: { SLACK_BOT_TOKEN: slack.token },
    liveUrl: (environment, app) => kube.serviceUrl(`sunday-${environment}`, app),
    stop: async () => {
      await Promise.allSettled([oidc.stop(), sts.stop(), ecr.stop(), eks.stop(), kube.stop(), slack.stop(), github.stop()]);
      await registry.stop();
    },
  };
}

/** Every secret a job of the runs could hold: none may appear in a log. */
export function jobSecrets(world: World): string[] {
  return [
    world.slack.token,
    world.registryAuth.slice('Basic '.length),
    world.oidc.requestToken,
    ...world.oidc.issued,
    ...world.sts.issued.flatMap((c) => [c.secretAccessKey, c.sessionToken]),
  ];
}
