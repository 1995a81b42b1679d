/**
 * An ECR registry login from STS credentials: GetAuthorizationToken gives base64 `AWS:<password>`
 * and the registry's proxy endpoint. The password (and the token holding it) are masked before
 * anything else is written. Heavy (loads @aws-sdk/client-ecr): import lazily. The endpoint is the
 * SDK's own setting AWS_ENDPOINT_URL_ECR.
 */
import * as core from '@actions/core';
import { DescribeRepositoriesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AWS_REQUEST_TIMEOUTS, type AwsCredentials, type AwsRequestTimeouts } from './credentials.js';
import { awsRequestHandler } from './endpoint.js';

export interface EcrLogin {
  username: string;
  password: string;
  /** https://<account>.dkr.ecr.<region>.amazonaws.com */
  proxyEndpoint: string;
  /** The endpoint's host (and port), as `docker login` and image names use it. */
  registry: string;
  expiresAt?: Date;
}

export interface EcrLoginOptions {
  region: string;
  credentials: AwsCredentials;
}

export interface EcrDeps {
  /** HTTP timeouts of the client made here (default AWS_REQUEST_TIMEOUTS). */
  requestTimeouts?: AwsRequestTimeouts;
  setSecret?: (value: string) => void;
  client?: Pick<ECRClient, 'send'>;
}

export async function getEcrLogin({ region, credentials }: EcrLoginOptions, deps: EcrDeps = {}): Promise<EcrLogin> {
  const setSecret = deps.setSecret ?? core.setSecret;
  const client = deps.client ?? new ECRClient({ region, credentials, requestHandler: awsRequestHandler('ecr', region, deps.requestTimeouts ?? AWS_REQUEST_TIMEOUTS) });
  const response = await client.send(new GetAuthorizationTokenCommand({}));
  const data = response.authorizationData?.[0];
  if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error(`ECR answered GetAuthorizationToken in ${region} without a token`);
  setSecret(data.authorizationToken);
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new Error('ECR answered GetAuthorizationToken with a token that is not base64 user:password');
  const password = decoded.slice(colon + 1);
  setSecret(password);
  return {
    username: decoded.slice(0, colon),
    password,
    proxyEndpoint: data.proxyEndpoint,
    registry: data.proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
    expiresAt: data.expiresAt,
  };
}

/** A repository's tag mutability, as ECR's DescribeRepositories gives it. */
export interface TagMutability {
  /** MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION. */
  setting: string;
  /** The WILDCARD filters of the `_WITH_EXCLUSION` settings (`*` matches any characters). */
  exclusions: string[];
}

export interface DescribeOptions {
  region: string;
  credentials: AwsCredentials;
  /** Repository names as in the image (`sunday/backend`), without the registry. */
  repositoryNames: string[];
}

/**
 * DescribeRepositories for the repositories an action pushes to (needs `ecr:DescribeRepositories`
 * on them): their tag mutability, by name.
 */
export async function describeTagMutability({ region, credentials, repositoryNames }: DescribeOptions, deps: EcrDeps = {}): Promise<Map<string, TagMutability>> {
  const client = deps.client ?? new ECRClient({ region, credentials, requestHandler: awsRequestHandler('ecr', region) });
  let response;
  try {
    response = await client.send(new DescribeRepositoriesCommand({ repositoryNames }));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'RepositoryNotFoundException') throw new Error(`ECR has no repository ${repositoryNames.join(', ')} in ${region} (RepositoryNotFoundException): create it before pushing`, { cause: error });
    if (name === 'AccessDeniedException') {
      throw new Error(`The role may not read the ECR repository settings (${(error as Error).message}): grant ecr:DescribeRepositories on the repositories it pushes to`, { cause: error });
    }
    throw error;
  }
  const byName = new Map<string, TagMutability>();
  for (const repository of response.repositories ?? []) {
    if (!repository.repositoryName) continue;
    byName.set(repository.repositoryName, {
      setting: repository.imageTagMutability ?? 'MUTABLE',
      exclusions: (repository.imageTagMutabilityExclusionFilters ?? []).filter((f) => f.filterType === 'WILDCARD' && f.filter).map((f) => f.filter!),
    });
  }
  return byName;
}
