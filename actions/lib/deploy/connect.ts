/**
 * The cluster connection, chosen once: a kubeconfig (content or file), or EKS through the OIDC
 * module — DescribeCluster for endpoint and CA, and a `k8s-aws-v1.` token made in-process.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../inputs.js';
import { maskSecret } from '../secrets.js';
import type { ClusterAccess } from './inputs.js';
import { connectionTo, type Connection } from './kube.js';
import { authorizationOf, kubeconfigFolder, KubeconfigError, readKubeconfig } from './kubeconfig.js';

/** Make a new token when the current one has less than this left. */
const EKS_TOKEN_MARGIN_MS = 20_000;

/**
 * A connection from a kubeconfig's text (`file`: where it was read, for its relative paths); its
 * secrets are given to `mask` first (the runner's log mask). Throws KubeconfigError for a kubeconfig
 * that cannot be used.
 */
export async function connectKubeconfig(text: string, file?: string, mask: (secret: string) => void = maskSecret): Promise<{ connection: Connection; context: string }> {
  const config = readKubeconfig(text, kubeconfigFolder(file));
  for (const secret of config.secrets) mask(secret);
  if (config.auth.kind !== 'plugin') return { connection: connectionTo(config.cluster, config, async () => authorizationOf(config.auth)()), context: config.context };
  const { pluginCredentials } = await import('./kubeconfig-plugin.js');
  const plugin = await pluginCredentials({ file, text });
  return { connection: connectionTo(config.cluster, { cert: plugin.cert ?? config.cert, key: plugin.key ?? config.key }, plugin.authorization), context: config.context };
}

export async function connect(access: ClusterAccess, log: (line: string) => void): Promise<Connection> {
  if (access.kind === 'kubeconfig') {
    const file = access.source === access.kubeconfig ? access.kubeconfig : undefined;
    let text: string;
    try {
      text = file ? readFileSync(file, 'utf8') : access.kubeconfig;
    } catch (error) {
      throw new InputError('kubeconfig', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}) in ${access.source}`);
    }
    try {
      const { connection, context } = await connectKubeconfig(text, file);
      log(`Cluster ${connection.server} (context ${context}, from ${access.source})`);
      return connection;
    } catch (error) {
      // Never the parser's own message: it quotes the text around the error, which may hold a token.
      if (error instanceof KubeconfigError) throw new InputError('kubeconfig', `${error.message} in ${access.source}`);
      throw error;
    }
  }
  const [{ assumeRoleWithOidc }, { describeEksCluster, createEksToken }] = await Promise.all([import('../aws/credentials.js'), import('../aws/eks.js')]);
  const { credentials, identity } = await assumeRoleWithOidc({ roleArn: access.aws.roleArn, region: access.aws.region, sessionName: access.aws.sessionName });
  const options = { region: access.aws.region, credentials, clusterName: access.clusterName };
  const cluster = await describeEksCluster(options);
  // The token is a presigned URL that expires within a minute: each request gets one that is
  // fresh enough (made in-process, no call to AWS), however long the deploy takes.
  let current = await createEksToken(options);
  const token = async () => {
    if (current.expiresAt.getTime() - Date.now() < EKS_TOKEN_MARGIN_MS) current = await createEksToken(options);
    return current.token;
  };
  const connection = connectionTo(
    { server: cluster.endpoint, ca: Buffer.from(cluster.certificateAuthorityData, 'base64'), skipTLSVerify: false },
    {},
    async () => ({ authorization: `Bearer ${await token()}` }),
  );
  log(`EKS cluster ${cluster.name} (${cluster.endpoint}) as ${identity.assumedRoleArn ?? identity.roleArn}`);
  return { ...connection, awsCredentials: credentials };
}
