/**
 * The suite's HTTP clients set up to go through the runner's proxy (HTTPS_PROXY, HTTP_PROXY,
 * NO_PROXY; the decision per URL is ./proxy.ts's): an undici dispatcher that routes each origin
 * (./http.ts uses it for every request: Slack, smoke checks, registries), a TLS dispatcher for an API
 * server with its own CA (the Kubernetes API's service proxy), and Node agents for the AWS SDK.
 * Octokit and @actions/core's OIDC token request need nothing: @actions/http-client reads the same
 * variables with the same rules.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Agent, Dispatcher, ProxyAgent, type buildConnector } from 'undici';
import type { Env } from './inputs.js';
import { proxyFor } from './proxy.js';

/** A dispatcher that sends each request through the proxy ./proxy.ts names for its origin, or direct. */
export class ProxyRouter extends Dispatcher {
  private readonly direct: Dispatcher;
  private readonly proxies = new Map<string, ProxyAgent>();

  constructor(
    private readonly env: Env = process.env,
    private readonly tls?: buildConnector.BuildOptions,
  ) {
    super();
    this.direct = new Agent(tls ? { connect: tls } : {});
  }

  private route(origin: string): Dispatcher {
    const proxy = proxyFor(origin, this.env);
    if (!proxy) return this.direct;
    let agent = this.proxies.get(proxy);
    if (!agent) this.proxies.set(proxy, (agent = new ProxyAgent({ uri: proxy, requestTls: this.tls })));
    return agent;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.route(String(options.origin)).dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all([this.direct.close(), ...[...this.proxies.values()].map((agent) => agent.close())]).then(() => undefined);
    if (!callback) return done;
    void done.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(errorOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null);
    const then = typeof errorOrCallback === 'function' ? errorOrCallback : callback;
    const done = Promise.all([this.direct.destroy(error), ...[...this.proxies.values()].map((agent) => agent.destroy(error))]).then(() => undefined);
    if (!then) return done;
    void done.then(then);
  }
}

/**
 * A dispatcher for one server with its own TLS settings (CA, client certificate): through the
 * proxy when the environment names one for it, else direct.
 */
export function tlsDispatcher(tls: buildConnector.BuildOptions, env: Env = process.env): Dispatcher {
  return new ProxyRouter(env, tls);
}

export interface NodeAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
}

/**
 * Agents for a client built on node:http(s) that talks to one endpoint (an AWS SDK client: its
 * `requestHandler: { httpAgent, httpsAgent }`), through the proxy for that endpoint; undefined when
 * it goes direct, so the client keeps its own defaults.
 */
export function nodeAgentsFor(endpoint: string, env: Env = process.env): NodeAgents | undefined {
  const proxy = proxyFor(endpoint, env);
  if (!proxy) return undefined;
  // Node's built-in proxy support (24.5+), told exactly which proxy: the decision was ours.
  return {
    httpAgent: new HttpAgent({ keepAlive: true, proxyEnv: { HTTP_PROXY: proxy } }),
    httpsAgent: new HttpsAgent({ keepAlive: true, proxyEnv: { HTTPS_PROXY: proxy } }),
  };
}
