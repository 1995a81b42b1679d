/** Kubeconfig files of the real control plane: client certificates, one context per identity. */
import { stringify } from 'yaml';
import type { IssuedCertificate } from '../servers/kube/tls.js';

export interface KubeconfigUser {
  /** The context's (and user's) name: `admin`, `deployer`, … */
  name: string;
  credentials: IssuedCertificate | { token: string };
  namespace?: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function clusterKubeconfig(server: string, caCert: string, users: KubeconfigUser[], current = users[0].name): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sunday-cluster', cluster: { server, 'certificate-authority-data': b64(caCert) } }],
    users: users.map(({ name, credentials }) => ({
      name,
      user: 'token' in credentials ? { token: credentials.token } : { 'client-certificate-data': b64(credentials.cert), 'client-key-data': b64(credentials.key) },
    })),
    contexts: users.map(({ name, namespace }) => ({ name, context: { cluster: 'sunday-cluster', user: name, namespace: namespace ?? 'default' } })),
    'current-context': current,
    preferences: {},
  });
}
