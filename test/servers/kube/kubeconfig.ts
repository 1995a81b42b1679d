/** The kubeconfig that points kubectl and @kubernetes/client-node at the emulator. */
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  /** PEM of the CA for a TLS server; a plain-HTTP server gets `insecure-skip-tls-verify` instead. */
  caCert?: string;
  token?: string;
  namespace?: string;
  name?: string;
}

export function kubeconfigText(options: KubeconfigOptions): string {
  const name = options.name ?? 'kube-emulator';
  const cluster: Record<string, unknown> = { server: options.server };
  // @kubernetes/client-node refuses an http:// server unless TLS verification is declared off.
  if (options.caCert) cluster['certificate-authority-data'] = Buffer.from(options.caCert).toString('base64');
  else cluster['insecure-skip-tls-verify'] = true;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name, user: options.token ? { token: options.token } : {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
