/**
 * The endpoint an AWS SDK client of ours talks to, resolved as the SDK resolves it
 * (`AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the regional endpoint), so that the
 * client can be given the right proxy for it (the SDK itself ignores HTTPS_PROXY and NO_PROXY).
 */
import type { Env } from '../inputs.js';
import { nodeAgentsFor, type NodeAgents } from '../proxy-agents.js';

const HOSTS = { sts: 'sts', ecr: 'api.ecr', eks: 'eks' } as const;
export type AwsService = keyof typeof HOSTS;

export function awsEndpoint(service: AwsService, region: string, env: Env = process.env): URL {
  const configured = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
  return new URL(configured || `https://${HOSTS[service]}.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`);
}

/** What an SDK client's `requestHandler` accepts, of what we set. */
export interface RequestHandlerOptions extends Partial<NodeAgents> {
  connectionTimeout?: number;
  requestTimeout?: number;
  /** Without it this SDK only warns when requestTimeout passes, and goes on waiting. */
  throwOnRequestTimeout?: boolean;
}

/** A client's `requestHandler` options: the given timeouts, and the proxy's agents when one applies. */
export function awsRequestHandler(
  service: AwsService,
  region: string,
  timeouts: Pick<RequestHandlerOptions, 'connectionTimeout' | 'requestTimeout' | 'throwOnRequestTimeout'> = {},
  env: Env = process.env,
): RequestHandlerOptions {
  return { ...timeouts, ...nodeAgentsFor(awsEndpoint(service, region, env).href, env) };
}
