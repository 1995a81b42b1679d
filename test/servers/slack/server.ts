/**
 * A local Slack: incoming webhooks (`POST /services/<id>`) and the Web API methods chat.postMessage
 * and chat.update (`POST /api/<method>`), answering as Slack's docs say — plain-text `ok` or error
 * codes for webhooks, `{ok, channel, ts, message}` or `{ok:false, error}` for the Web API, HTTP 429
 * with Retry-After when rate limited — and checking the limits Slack enforces on blocks.
 * Not emulated: form-encoded Web API calls, other API methods, OAuth scopes, Socket Mode, files.
 */
import { listenOnLoopback } from '../loopback.js';

export interface SlackRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text?: string;
  thread_ts?: string;
  blocks?: unknown[];
  attachments?: unknown[];
}

interface Fault {
  path: string;
  times: number;
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface SlackServer {
  url: string;
  /** An incoming-webhook URL that this server accepts. */
  webhookUrl: string;
  apiUrl: string;
  token: string;
  requests: SlackRequest[];
  messages: StoredMessage[];
  /** The next `times` requests to `path` (e.g. '/api/chat.postMessage' or the webhook path) get this answer. */
  fail(path: string, times: number, status: number, body: string, headers?: Record<string, string>): void;
  stop(): Promise<void>;
}

const CHANNELS: Record<string, string> = { deploys: 'C0DEPLOYS01', alerts: 'C0ALERTS001' };
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const BLOCKS_MAX = 50;

/** Slack's `invalid_blocks` for what breaks its limits; undefined when the message is acceptable. */
function blockProblem(message: Record<string, unknown>): string | undefined {
  const all = [
    ...((message.blocks as unknown[]) ?? []),
    ...(((message.attachments as Array<{ blocks?: unknown[] }>) ?? []).flatMap((a) => a.blocks ?? [])),
  ] as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (all.length > BLOCKS_MAX) return 'invalid_blocks';
  for (const block of all) {
    if (block.type === 'header' && Array.from(String(block.text?.text ?? '')).length > HEADER_MAX) return 'invalid_blocks';
    if (block.type === 'section' && Array.from(String(block.text?.text ?? '')).length > SECTION_MAX) return 'invalid_blocks';
    if (block.type === 'section' && Array.isArray(block.fields) && block.fields.length > 10) return 'invalid_blocks';
  }
  return undefined;
}

function hasContent(message: Record<string, unknown>): boolean {
  return Boolean(message.text || (message.blocks as unknown[])?.length || (message.attachments as unknown[])?.length);
}

export async function startSlackServer(token = 'xoxb-test-0123456789-abcdefghij'): Promise<SlackServer> {
  const requests: SlackRequest[] = [];
  const messages: StoredMessage[] = [];
  const faults: Fault[] = [];
  const webhookPath = '/services/T0SUNDAY/B0DEPLOY/s3cr3tW3bh00kP4th';
  let clock = 1_764_000_000;

  const server = await listenOnLoopback((req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://slack').pathname;
    const record: SlackRequest = { path, headers: req.headers, body };
    try {
      record.json = JSON.parse(body);
    } catch {
      record.json = undefined;
    }
    requests.push(record);

    const fault = faults.find((f) => f.path === path && f.times > 0);
    if (fault) {
      fault.times--;
      res.writeHead(fault.status, { 'content-type': fault.body.startsWith('{') ? 'application/json' : 'text/plain', ...fault.headers });
      return res.end(fault.body);
    }

    const text = (status: number, answer: string) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(answer);
    };
    const api = (answer: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer));
    };

    if (req.method !== 'POST') return text(405, 'method_not_allowed');

    if (path.startsWith('/services/')) {
      if (path !== webhookPath) return text(404, 'no_service');
      if (!record.json || typeof record.json !== 'object') return text(400, 'invalid_payload');
      if (!hasContent(record.json)) return text(400, 'no_text');
      const problem = blockProblem(record.json);
      if (problem) return text(400, 'invalid_blocks');
      messages.push({ channel: 'C0WEBHOOK01', ts: `${clock++}.000100`, text: record.json.text, blocks: record.json.blocks, attachments: record.json.attachments });
      return text(200, 'ok');
    }

    const method = path.match(/^\/api\/(chat\.postMessage|chat\.update)$/)?.[1];
    if (!method) return api({ ok: false, error: 'unknown_method' });
    const auth = req.headers.authorization;
    if (!auth) return api({ ok: false, error: 'not_authed' });
    if (auth !== `Bearer ${token}`) return api({ ok: false, error: 'invalid_auth' });
    if (!record.json) return api({ ok: false, error: 'invalid_json' });
    const message = record.json;
    const channel = CHANNELS[String(message.channel ?? '').replace(/^#/, '')] ?? (Object.values(CHANNELS).includes(message.channel) ? message.channel : undefined);
    if (!channel) return api({ ok: false, error: 'channel_not_found' });
    if (!hasContent(message)) return api({ ok: false, error: 'no_text' });
    const problem = blockProblem(message);
    if (problem) return api({ ok: false, error: problem });

    if (method === 'chat.update') {
      const stored = messages.find((m) => m.channel === channel && m.ts === message.ts);
      if (!stored) return api({ ok: false, error: 'message_not_found' });
      Object.assign(stored, { text: message.text, blocks: message.blocks, attachments: message.attachments });
      return api({ ok: true, channel, ts: stored.ts, text: stored.text, message: { ...stored, type: 'message' } });
    }
    if (message.thread_ts && !messages.some((m) => m.channel === channel && m.ts === message.thread_ts)) {
      return api({ ok: false, error: 'thread_not_found' });
    }
    const stored: StoredMessage = { channel, ts: `${clock++}.000200`, text: message.text, thread_ts: message.thread_ts, blocks: message.blocks, attachments: message.attachments };
    messages.push(stored);
    return api({ ok: true, channel, ts: stored.ts, message: { type: 'message', ...stored, bot_id: 'B0SUNDAY' } });
  });
  const url = server.url;
  return {
    url,
    webhookUrl: `${url}${webhookPath}`,
    apiUrl: `${url}/api`,
    token,
    requests,
    messages,
    fail: (path, times, status, body, headers = {}) => faults.push({ path, times, status, body, headers }),
    stop: server.stop,
  };
}
