/**
 * An ECR registry login from STS credentials: GetAuthorizationToken gives base64 `AWS:<password>`
 * and the registry's proxy endpoint. The password (and the token holding it) are masked before
 * anything else is written. Heavy (loads @aws-sdk/client-ecr): import lazily. The endpoint is the
 * SDK's own setting AWS_ENDPOINT_URL_ECR.
 */
import * as core from '@actions/core';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { AWS_REQUEST_TIMEOUTS, type AwsCredentials, type AwsRequestTimeouts } from './credentials.js';

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
  const client = deps.client ?? new ECRClient({ region, credentials, requestHandler: deps.requestTimeouts ?? AWS_REQUEST_TIMEOUTS });
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
