/**
 * The cluster connection, chosen once: a kubeconfig (content or file), or EKS through the OIDC
 * module — DescribeCluster for endpoint and CA, and a `k8s-aws-v1.` token made in-process.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '../inputs.js';
import { maskSecret } from '../secrets.js';
import type { ClusterAccess } from './inputs.js';
import { connectionFor, type Connection } from './kube.js';

const EKS_AUTH_PROVIDER = 'sunday-eks-token';
/** Make a new token when the current one has less than this left. */
const EKS_TOKEN_MARGIN_MS = 20_000;

function maskKubeconfigSecrets(kc: KubeConfig): void {
  const user = kc.getCurrentUser();
  for (const secret of [user?.token, user?.password, user?.keyData]) maskSecret(secret);
}

export async function connect(access: ClusterAccess, log: (line: string) => void): Promise<Connection> {
  if (access.kind === 'kubeconfig') {
    const kc = new KubeConfig();
    try {
      if (access.source === access.kubeconfig) kc.loadFromFile(access.kubeconfig);
      else kc.loadFromString(access.kubeconfig);
    } catch {
      // The parser's message quotes the text around the error, which may hold a token.
      throw new InputError('kubeconfig', `is not a valid kubeconfig (YAML or JSON) in ${access.source}`);
    }
    maskKubeconfigSecrets(kc);
    const connection = await connectionFor(kc);
    log(`Cluster ${connection.server} (context ${kc.getCurrentContext()}, from ${access.source})`);
    return connection;
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
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: cluster.name, server: cluster.endpoint, caData: cluster.certificateAuthorityData }],
    users: [{ name: 'github-oidc', authProvider: { name: EKS_AUTH_PROVIDER, config: {} } }],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: 'github-oidc' }],
    currentContext: cluster.name,
  });
  kc.addAuthenticator({
    isAuthProvider: (user) => user.authProvider?.name === EKS_AUTH_PROVIDER,
    applyAuthentication: async (_user, opts) => {
      opts.headers = { ...opts.headers, Authorization: `Bearer ${await token()}` };
    },
  });
  log(`EKS cluster ${cluster.name} (${cluster.endpoint}) as ${identity.assumedRoleArn ?? identity.roleArn}`);
  return { ...(await connectionFor(kc)), awsCredentials: credentials };
}
