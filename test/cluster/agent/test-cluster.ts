/**
 * The control plane the agent's tests run against: a cluster of their own from test/cluster
 * (startCluster), whose node agent and pod network are the ones under test. They delete pods and
 * change image modes, so they do not share the run's cluster.
 */
import type { ImageMode } from '../../servers/kube/types.js';
import { startCluster } from '../cluster.js';
import type { PodNetwork } from '../network/index.js';
import type { NodeAgent } from './index.js';

export interface AgentTestCluster {
  /** Admin kubeconfig text. */
  kubeconfig: string;
  agent: NodeAgent;
  network: PodNetwork;
  stop(): Promise<void>;
}

export async function startAgentTestCluster(faultImages: Record<string, ImageMode>): Promise<AgentTestCluster> {
  const cluster = await startCluster({ faultImages });
  return { kubeconfig: cluster.kubeconfig, agent: cluster.agent, network: cluster.network, stop: () => cluster.stop() };
}
