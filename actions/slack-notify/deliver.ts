/**
 * Sends a message by incoming webhook or by the Web API (chat.postMessage / chat.update), with
 * retries on 429 (Retry-After honoured) and 5xx. A duplicate notification is better than none, so
 * 5xx on these POSTs are retried too.
 */
import { httpRequest, HttpError, type HttpOptions } from '../lib/http.js';
import type { Transport } from './inputs.js';
import type { SlackMessage } from './message.js';

export interface Delivery {
  ok: boolean;
  ts?: string;
  threadTs?: string;
  channel?: string;
  /** Slack's error code or the transport failure, when not ok. */
  error?: string;
}

export interface DeliverOptions {
  retries: number;
  timeoutMs?: number;
  sleep?: HttpOptions['sleep'];
  onRetry?: HttpOptions['onRetry'];
}

export async function deliver(transport: Transport, message: SlackMessage, options: DeliverOptions): Promise<Delivery> {
  const http: HttpOptions = {
    method: 'POST',
    attempts: options.retries + 1,
    retryUnsafe: true,
    timeoutMs: options.timeoutMs ?? 15_000,
    sleep: options.sleep,
    onRetry: options.onRetry,
  };
  try {
    return transport.kind === 'webhook' ? await viaWebhook(transport.url, message, http) : await viaApi(transport, message, http);
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    throw error;
  }
}

async function viaWebhook(url: string, message: SlackMessage, http: HttpOptions): Promise<Delivery> {
  const response = await httpRequest(url, { ...http, headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
  const body = response.body.trim();
  if (response.status === 200 && body === 'ok') return { ok: true };
  return { ok: false, error: `${body || 'no body'} (HTTP ${response.status})` };
}

async function viaApi(transport: Extract<Transport, { kind: 'api' }>, message: SlackMessage, http: HttpOptions): Promise<Delivery> {
  const method = transport.updateTs ? 'chat.update' : 'chat.postMessage';
  const body: Record<string, unknown> = { ...message, channel: transport.channel };
  if (transport.updateTs) body.ts = transport.updateTs;
  else if (transport.threadTs) body.thread_ts = transport.threadTs;
  const response = await httpRequest(`${transport.apiUrl}/${method}`, {
    ...http,
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${transport.token}` },
    body: JSON.stringify(body),
  });
  let answer: { ok?: boolean; error?: string; ts?: string; channel?: string; message?: { thread_ts?: string } };
  try {
    answer = JSON.parse(response.body);
  } catch {
    return { ok: false, error: `${method} answered HTTP ${response.status} without JSON` };
  }
  if (!answer.ok) return { ok: false, error: `${method}: ${answer.error ?? 'unknown_error'} (HTTP ${response.status})` };
  return {
    ok: true,
    ts: answer.ts,
    channel: answer.channel,
    // A reply belongs to the given thread; a top-level post starts its own, so its ts is the thread.
    threadTs: transport.threadTs ?? answer.message?.thread_ts ?? answer.ts,
  };
}
