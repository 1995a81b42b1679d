/** The control plane the agent's tests run against. */
import { readFileSync } from 'node:fs';
import type { PodNetwork } from '../network/index.js';

export interface AgentTestCluster {
  /** Admin kubeconfig text. */
  kubeconfig: string;
  stop(): Promise<void>;
}

export async function startAgentTestCluster(_network: PodNetwork): Promise<AgentTestCluster> {
  const path = process.env.AGENT_TEST_KUBECONFIG;
  if (!path) throw new Error('AGENT_TEST_KUBECONFIG is not set');
  return { kubeconfig: readFileSync(path, 'utf8'), stop: async () => undefined };
}
