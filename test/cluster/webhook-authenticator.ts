/**
 * The webhook token authenticator the real kube-apiserver calls (`--authentication-token-webhook-
 * config-file`, TokenReview authentication.k8s.io/v1), doing what aws-iam-authenticator does on EKS:
 * a `k8s-aws-v1.` token is a presigned STS GetCallerIdentity URL; calling it (with the cluster's
 * `x-k8s-aws-id` header) proves who signed it. The caller's role is then mapped to a Kubernetes
 * user and groups as EKS access entries map an IAM principal. The token check itself is
 * actions/lib/aws/eks-token.ts's verifyEksToken, the same the emulator's EKS path uses.
 *
 * Not emulated: IAM users, access policies (authorization is RBAC on the groups), the
 * aws-auth ConfigMap, token caching (the API server caches reviews for its webhook cache TTL).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyEksToken, type CallerIdentity } from '../../actions/lib/aws/eks-token.js';
import { listenOnLoopback } from '../servers/loopback.js';

export interface AccessEntry {
  /** The IAM role ARN, `arn:aws:iam::<account>:role/<name>`. */
  principalArn: string;
  /** Kubernetes user name; default as EKS: `arn:aws:sts::<account>:assumed-role/<name>/{{SessionName}}`. */
  username?: string;
  /** Kubernetes groups RBAC bindings name. */
  groups: string[];
}

export interface WebhookAuthenticatorOptions {
  /** The EKS cluster name the tokens must be signed for (`x-k8s-aws-id`). */
  clusterName: string;
  /** `host:port` of the STS the presigned URLs may point at; none: every token is refused. */
  stsHost?: string;
  accessEntries: AccessEntry[];
}

export interface TokenReviewRecord {
  authenticated: boolean;
  username?: string;
  /** Why a token was refused (never the token). */
  error?: string;
}

export interface WebhookAuthenticator {
  /** `http://127.0.0.1:<port>/authenticate`: the server of the webhook config file. */
  url: string;
  reviews: TokenReviewRecord[];
  /** Points it at another STS or changes the access entries (a test's own AWS world). */
  configure(options: Partial<WebhookAuthenticatorOptions>): void;
  readonly options: WebhookAuthenticatorOptions;
  stop(): Promise<void>;
}

export interface KubernetesUser {
  username: string;
  uid: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** `arn:aws:sts::<account>:assumed-role/<role>/<session>` → the role's IAM ARN and the session name. */
export function principalOf(callerArn: string): { principalArn: string; sessionName?: string } {
  const assumed = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/(.+)\/([^/]+)$/.exec(callerArn);
  if (!assumed) return { principalArn: callerArn };
  const [, partition, account, role, sessionName] = assumed;
  return { principalArn: `arn:${partition}:iam::${account}:role/${role}`, sessionName };
}

/** The user an access entry makes of a verified caller, or undefined when no entry names its role. */
export function mapToUser(identity: CallerIdentity, entries: AccessEntry[]): KubernetesUser | undefined {
  const { principalArn, sessionName } = principalOf(identity.arn);
  const entry = entries.find((candidate) => candidate.principalArn === principalArn);
  if (!entry) return undefined;
  const template = entry.username ?? principalArn.replace(/^arn:([^:]+):iam::(\d+):role\/(.+)$/, 'arn:$1:sts::$2:assumed-role/$3/{{SessionName}}');
  return {
    username: template.replace('{{SessionName}}', sessionName ?? '').replace('{{AccountID}}', identity.account),
    uid: `aws-iam-authenticator:${identity.account}:${identity.userId.split(':')[0]}`,
    groups: entry.groups,
    extra: { arn: [identity.arn], canonicalArn: [principalArn], sessionName: sessionName ? [sessionName] : [], principalId: [identity.userId.split(':')[0]] },
  };
}

function review(status: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', status });
}

export async function startWebhookAuthenticator(initial: WebhookAuthenticatorOptions): Promise<WebhookAuthenticator> {
  const reviews: TokenReviewRecord[] = [];
  const options = { ...initial };
  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const answer = (code: number, text: string) => res.writeHead(code, { 'content-type': 'application/json' }).end(text);
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://webhook').pathname !== '/authenticate') return answer(404, '{}');
    let token: string | undefined;
    try {
      token = (JSON.parse(body) as { spec?: { token?: string } }).spec?.token;
    } catch {
      return answer(400, review({ authenticated: false, error: 'the body is not a TokenReview' }));
    }
    const refuse = (error: string) => {
      reviews.push({ authenticated: false, error });
      answer(200, review({ authenticated: false, error }));
    };
    if (!token) return refuse('no token');
    if (!options.stsHost) return refuse('no STS is configured');
    try {
      const identity = await verifyEksToken(token, options.clusterName, { allowedHosts: [options.stsHost] });
      const user = mapToUser(identity, options.accessEntries);
      if (!user) return refuse(`no access entry for ${principalOf(identity.arn).principalArn}`);
      reviews.push({ authenticated: true, username: user.username });
      answer(200, review({ authenticated: true, user }));
    } catch (error) {
      refuse((error as Error).message);
    }
  };
  const server = await listenOnLoopback(handle);
  return {
    url: `${server.url}/authenticate`,
    reviews,
    options,
    configure: (changes) => Object.assign(options, changes),
    stop: server.stop,
  };
}

/** The kubeconfig-format file `--authentication-token-webhook-config-file` reads. */
export function webhookConfigFile(url: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'eks-authenticator', cluster: { server: url } }],
    users: [{ name: 'kube-apiserver', user: {} }],
    contexts: [{ name: 'webhook', context: { cluster: 'eks-authenticator', user: 'kube-apiserver' } }],
    'current-context': 'webhook',
  });
}
