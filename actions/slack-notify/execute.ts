/** slack-notify after validation: masks the secret, builds the message, delivers it, sets outputs. */
import * as core from '@actions/core';
import { readRunContext } from '../lib/run-context.js';
import { maskSecret, setOutput } from '../lib/secrets.js';
import { writeSummary } from '../lib/summary.js';
import { deliver } from './deliver.js';
import type { SlackInputs } from './inputs.js';
import { applyLimits, buildDefaultMessage, type SlackMessage } from './message.js';

export async function executeSlackNotify(inputs: SlackInputs): Promise<void> {
  for (const secret of inputs.secrets) maskSecret(secret);
  const message = applyLimits(inputs.payload ? (inputs.payload as SlackMessage) : buildDefaultMessage(inputs, readRunContext()));
  const transport = inputs.transport;
  const target = transport.kind === 'webhook' ? 'incoming webhook' : `${transport.updateTs ? 'chat.update' : 'chat.postMessage'} to ${transport.channel}`;
  core.info(`Sending ${inputs.status ?? 'a'} notification by ${target}`);

  const result = await deliver(transport, message, {
    retries: inputs.retries,
    onRetry: ({ attempt, delayMs, reason }) => core.info(`Slack answered ${reason}; retry ${attempt} of ${inputs.retries} in ${delayMs} ms`),
  });
  setOutput('ok', String(result.ok));
  setOutput('ts', result.ts ?? '');
  setOutput('thread-ts', result.threadTs ?? '');
  setOutput('channel', result.channel ?? '');

  if (result.ok) {
    core.info(`Delivered${result.ts ? ` (ts ${result.ts} in ${result.channel})` : ''}`);
    await writeSummary(`### 💬 Slack notification sent\n\n${message.text}${result.ts ? `\n\nChannel \`${result.channel}\`, ts \`${result.ts}\`` : ''}`);
    return;
  }
  const failure = `Slack notification was not delivered: ${result.error}`;
  await writeSummary(`### ⚠️ Slack notification not delivered\n\n${result.error}`);
  if (inputs.failOnError) throw new Error(failure);
  core.warning(`${failure} (fail-on-error is false, so the step goes on)`);
}
