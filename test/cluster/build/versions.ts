/**
 * The pinned versions of the real control plane. Kubernetes is the minor of the kubectl the tests
 * use (1.32); its staging modules are published as v0.<minor>.<patch>. etcd is a 3.5 release, what
 * EKS runs (Debian's 3.4 makes this apiserver turn off consistent reads from its watch cache).
 * Changing a version here means: run `tsx test/cluster/build/generate-go-mod.ts` and commit the
 * regenerated go.mod/go.sum files.
 */
import { join } from 'node:path';
import { toolCache } from '../../../scripts/system-deps/paths.ts';

export const KUBERNETES_VERSION = 'v1.32.9';
export const ETCD_VERSION = 'v3.5.36';

/** v1.32.13 → v0.32.13: the tag each staging module (k8s.io/api, …) carries for this release. */
export function stagingVersion(kubernetesVersion: string): string {
  const match = /^v1\.(\d+)\.(\d+)$/.exec(kubernetesVersion);
  if (!match) throw new Error(`not a Kubernetes release version: ${kubernetesVersion}`);
  return `v0.${match[1]}.${match[2]}`;
}

/** Where the binaries live: outside the clone, so a fresh CI clone on the same machine finds them. */
export function binaryDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(toolCache(env), `k8s-${KUBERNETES_VERSION}`);
}

export const BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export type BinaryName = (typeof BINARIES)[number];

/**
 * The upstream commit of the KUBERNETES_VERSION tag, stamped into the binaries as gitCommit. The
 * module proxy does not give it (a module zip has no git history), so it is written down here.
 */
export const KUBERNETES_COMMIT = '';
