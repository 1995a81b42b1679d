/**
 * EKS access from STS credentials: DescribeCluster (API endpoint and CA) through
 * @aws-sdk/client-eks, and the cluster's bearer token made in-process exactly as
 * `aws eks get-token` makes it (see ./eks-token.ts). Heavy: import lazily. Endpoints are the SDK's
 * own settings, AWS_ENDPOINT_URL_EKS and AWS_ENDPOINT_URL_STS (the token's URL points at the latter).
 */
import * as core from '@actions/core';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Env } from '../inputs.js';
import { AWS_REQUEST_TIMEOUTS, type AwsCredentials, type AwsRequestTimeouts } from './credentials.js';
import { awsEndpoint, awsRequestHandler } from './endpoint.js';
import { CLUSTER_ID_HEADER, EKS_TOKEN_EXPIRES_SECONDS, encodeEksToken } from './eks-token.js';

export { verifyEksToken, decodeEksToken, EksTokenError, type CallerIdentity } from './eks-token.js';

export interface EksCluster {
  name: string;
  arn?: string;
  /** https://<id>.<gr7>.<region>.eks.amazonaws.com */
  endpoint: string;
  /** Base64 PEM of the cluster CA, as kubeconfig's certificate-authority-data wants it. */
  certificateAuthorityData: string;
  status: string;
  version?: string;
}

export interface EksOptions {
  region: string;
  credentials: AwsCredentials;
  clusterName: string;
}

export interface EksDeps {
  /** HTTP timeouts of the client made here (default AWS_REQUEST_TIMEOUTS). */
  requestTimeouts?: AwsRequestTimeouts;
  client?: Pick<EKSClient, 'send'>;
  setSecret?: (value: string) => void;
  env?: Env;
  now?: () => Date;
}

export async function describeEksCluster({ region, credentials, clusterName }: EksOptions, deps: EksDeps = {}): Promise<EksCluster> {
  const client = deps.client ?? new EKSClient({ region, credentials, requestHandler: awsRequestHandler('eks', region, deps.requestTimeouts ?? AWS_REQUEST_TIMEOUTS) });
  let cluster;
  try {
    ({ cluster } = await client.send(new DescribeClusterCommand({ name: clusterName })));
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') {
      throw new Error(`EKS has no cluster named ${clusterName} in ${region} (ResourceNotFoundException)`, { cause: error });
    }
    throw error;
  }
  if (!cluster?.endpoint || !cluster.certificateAuthority?.data) {
    throw new Error(`EKS cluster ${clusterName} in ${region} has no endpoint or CA yet (status ${cluster?.status ?? 'unknown'})`);
  }
  if (cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') {
    throw new Error(`EKS cluster ${clusterName} in ${region} is ${cluster.status}, not ACTIVE`);
  }
  return {
    name: cluster.name ?? clusterName,
    arn: cluster.arn,
    endpoint: cluster.endpoint,
    certificateAuthorityData: cluster.certificateAuthority.data,
    status: cluster.status,
    version: cluster.version,
  };
}

/** The STS endpoint the token points at: the SDK's AWS_ENDPOINT_URL_STS, else the regional one. */
export function stsEndpoint(region: string, env: Env = process.env): URL {
  return awsEndpoint('sts', region, env);
}

/** RFC 3986, as SigV4 canonicalizes (the URL then decodes to exactly the signed values). */
const uriEscape = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface EksToken {
  token: string;
  /** When the presigned URL inside stops being accepted. */
  expiresAt: Date;
}

/** `k8s-aws-v1.<base64url of a presigned GetCallerIdentity URL>`, masked before it is returned. */
export async function createEksToken({ region, credentials, clusterName }: EksOptions, deps: EksDeps = {}): Promise<EksToken> {
  const endpoint = stsEndpoint(region, deps.env);
  const signingDate = deps.now?.() ?? new Date();
  const signer = new SignatureV4({ service: 'sts', region, credentials, sha256: Sha256, uriEscapePath: true });
  const request = new HttpRequest({
    method: 'GET',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: endpoint.port ? Number(endpoint.port) : undefined,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host: endpoint.host, [CLUSTER_ID_HEADER]: clusterName },
  });
  const signed = await signer.presign(request, { expiresIn: EKS_TOKEN_EXPIRES_SECONDS, signingDate });
  const query = Object.entries(signed.query ?? {})
    .map(([key, value]) => `${uriEscape(key)}=${uriEscape(String(value))}`)
    .join('&');
  const token = encodeEksToken(`${endpoint.protocol}//${endpoint.host}/?${query}`);
  (deps.setSecret ?? core.setSecret)(token);
  return { token, expiresAt: new Date(signingDate.getTime() + EKS_TOKEN_EXPIRES_SECONDS * 1000) };
}
