/** slack-notify's inputs, read and validated before anything heavy is loaded. */
import {
  InputError,
  parseDocument,
  parseUrl,
  readBoolean,
  readChoice,
  readInteger,
  readPairs,
  readString,
  readUrl,
  type Env,
} from '../lib/inputs.js';
import { knownSecrets, substitutePlaceholders } from './template.js';

export const STATUSES = ['success', 'failure', 'cancelled', 'skipped', 'started', 'warning'] as const;
export type Status = (typeof STATUSES)[number];

export type Transport =
  | { kind: 'webhook'; url: string }
  | { kind: 'api'; token: string; channel: string; apiUrl: string; threadTs?: string; updateTs?: string };

export interface SlackInputs {
  transport: Transport;
  status?: Status;
  title?: string;
  message?: string;
  fields: Array<[string, string]>;
  environment?: string;
  version?: string;
  url?: string;
  mentionOnFailure?: string;
  /** A whole message given by the user, placeholders already substituted. */
  payload?: Record<string, unknown>;
  retries: number;
  failOnError: boolean;
  /** Secrets to mask before any log line. */
  secrets: string[];
}

const SLACK_TS = /^\d+\.\d+$/;

function optional(name: string, env: Env): string | undefined {
  return readString(name, env) || undefined;
}

function apiUrlFromEnvironment(env: Env): string | undefined {
  const value = (env.SLACK_API_URL ?? '').trim();
  if (!value) return undefined;
  try {
    return parseUrl('api-url', value).toString();
  } catch {
    throw new InputError('api-url', `is not given and the SLACK_API_URL environment variable is not an absolute http or https URL: '${value}'`);
  }
}

function readTransport(env: Env): Transport {
  const webhookInput = readString('webhook-url', env);
  const tokenInput = readString('token', env);
  if (webhookInput && tokenInput) throw new InputError('webhook-url', "and input 'token' cannot both be given: use exactly one");
  // Explicit inputs win over the environment fallbacks, so a job-wide SLACK_BOT_TOKEN does not
  // clash with a step that gives a webhook.
  const webhook = webhookInput || (tokenInput ? '' : (env.SLACK_WEBHOOK_URL ?? '').trim());
  const token = tokenInput || (webhookInput ? '' : (env.SLACK_BOT_TOKEN ?? '').trim());
  if (webhook && token) {
    throw new InputError('webhook-url', "or input 'token' must be chosen: both SLACK_WEBHOOK_URL and SLACK_BOT_TOKEN are set");
  }
  if (!webhook && !token) {
    throw new InputError('webhook-url', "or input 'token' is required (or the SLACK_WEBHOOK_URL / SLACK_BOT_TOKEN environment variable)");
  }
  const threadTs = optional('thread-ts', env);
  const updateTs = optional('update-ts', env);
  if (webhook) {
    parseUrl('webhook-url', webhook, ['https:', 'http:']);
    if (threadTs) throw new InputError('thread-ts', "needs input 'token': incoming webhooks cannot reply in threads");
    if (updateTs) throw new InputError('update-ts', "needs input 'token': incoming webhooks cannot update messages");
    return { kind: 'webhook', url: webhook };
  }
  if (/\s/.test(token)) throw new InputError('token', 'must be a Slack token (xoxb-…) with no spaces');
  const channel = optional('channel', env);
  if (!channel) throw new InputError('channel', "is required with input 'token' (a channel ID such as C0123456789, or a name)");
  if (threadTs && !SLACK_TS.test(threadTs)) throw new InputError('thread-ts', 'must be a Slack message timestamp such as 1700000000.123456');
  if (updateTs && !SLACK_TS.test(updateTs)) throw new InputError('update-ts', 'must be a Slack message timestamp such as 1700000000.123456');
  // Like the token, the API URL falls back to the environment: a reusable workflow's Slack steps
  // give no api-url, and a proxy (or a local Slack) is then set once for the whole job.
  const apiUrl = (readUrl('api-url', env)?.toString() ?? apiUrlFromEnvironment(env) ?? 'https://slack.com/api').replace(/\/+$/, '');
  return { kind: 'api', token, channel, apiUrl, threadTs, updateTs };
}

export async function readSlackInputs(env: Env = process.env, cwd = process.cwd()): Promise<SlackInputs> {
  const transport = readTransport(env);
  const statusText = readString('status', env);
  const status = statusText ? readChoice('status', STATUSES, 'success', env) : undefined;
  const url = optional('url', env);
  if (url) parseUrl('url', url);

  const secrets = knownSecrets(env);
  let payload: Record<string, unknown> | undefined;
  const payloadText = readString('payload', env);
  if (payloadText) {
    const document = await parseDocument('payload', payloadText, cwd);
    if (!document || typeof document !== 'object' || Array.isArray(document)) {
      throw new InputError('payload', 'must be a Slack message object (with text, blocks or attachments)');
    }
    const message = document as Record<string, unknown>;
    if (!('text' in message) && !('blocks' in message) && !('attachments' in message)) {
      throw new InputError('payload', 'must have text, blocks or attachments');
    }
    payload = substitutePlaceholders(message, env, secrets) as Record<string, unknown>;
  }
  // What goes to the channel must not hold a secret, whatever the workflow put in the inputs.
  const posted = (name: string, value: string | undefined) => {
    if (value && secrets.some((secret) => value.includes(secret))) {
      throw new InputError(name, 'holds a secret (the Slack token or webhook URL, or the value of a variable named like a secret); it would be posted to the channel');
    }
    return value;
  };
  if (payload) posted('payload', JSON.stringify(payload));

  return {
    transport,
    status,
    title: posted('title', optional('title', env)),
    message: posted('message', optional('message', env)),
    fields: readPairs('fields', ':', env).map(([key, value]) => [key, posted('fields', value) ?? '']),
    environment: posted('environment', optional('environment', env)),
    version: posted('version', optional('version', env)),
    url: posted('url', url),
    mentionOnFailure: posted('mention-on-failure', optional('mention-on-failure', env)),
    payload,
    retries: readInteger('retries', 3, { min: 0, max: 10 }, env),
    failOnError: readBoolean('fail-on-error', false, env),
    secrets: transport.kind === 'webhook' ? [transport.url] : [transport.token],
  };
}
