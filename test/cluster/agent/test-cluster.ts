/**
 * The control plane the agent's tests run against: a cluster of their own from test/cluster
 * (startCluster), whose node agent and pod network are the ones under test. They delete pods and
 * change image modes, so they do not share the run's cluster. `AGENT_TEST_KUBECONFIG` (an admin
 * kubeconfig of a control plane started by other means) runs them against that instead, with an
 * agent and a network of their own.
 */
import { readFileSync } from 'node:fs';
import type { ImageMode } from '../../servers/kube/types.js';
import { startCluster } from '../cluster.js';
import { createPodNetwork, type PodNetwork } from '../network/index.js';
import { startNodeAgent, type NodeAgent } from './index.js';

export interface AgentTestCluster {
  /** Admin kubeconfig text. */
  kubeconfig: string;
  agent: NodeAgent;
  network: PodNetwork;
  stop(): Promise<void>;
}

export async function startAgentTestCluster(faultImages: Record<string, ImageMode>, log?: (line: string) => void): Promise<AgentTestCluster> {
  const path = process.env.AGENT_TEST_KUBECONFIG;
  if (!path) {
    const cluster = await startCluster({ faultImages });
    return { kubeconfig: cluster.kubeconfig, agent: cluster.agent, network: cluster.network, stop: () => cluster.stop() };
  }
  const kubeconfig = readFileSync(path, 'utf8');
  const network = await createPodNetwork();
  const agent = await startNodeAgent({ kubeconfig, nodeName: 'agent-test-node', network, faultImages, log }).catch(async (error) => {
    await network.remove();
    throw error;
  });
  return {
    kubeconfig,
    agent,
    network,
    stop: async () => {
      await agent.stop();
      await network.remove();
    },
  };
}
