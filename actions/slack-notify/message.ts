/**
 * The default Slack message, built from the run context with no template, and the limits Slack
 * enforces (header 150 characters, section text 3000, 10 fields of 2000, 50 blocks) applied by
 * truncation to every message, the user's own payloads included.
 */
import type { RunContext } from '../lib/run-context.js';
import type { SlackInputs, Status } from './inputs.js';

export type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface SlackMessage {
  text: string;
  blocks?: Block[];
  attachments?: Array<{ color?: string; blocks?: Block[]; [key: string]: unknown }>;
  [key: string]: unknown;
}

export const LIMITS = { header: 150, sectionText: 3000, field: 2000, fields: 10, blocks: 50, buttonText: 75, fallbackText: 4000 };

const STYLE: Record<Status, { emoji: string; color: string }> = {
  success: { emoji: '✅', color: '#2EB67D' },
  failure: { emoji: '❌', color: '#E01E5A' },
  cancelled: { emoji: '⏹️', color: '#9E9E9E' },
  skipped: { emoji: '⏭️', color: '#9E9E9E' },
  started: { emoji: '🚀', color: '#1D9BD1' },
  warning: { emoji: '⚠️', color: '#ECB22E' },
};

/** Cuts to `max` characters (code points, so an emoji is never split), ending with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** Text from the run (commit messages, titles) must not be read as Slack markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackLink(url: string, text: string): string {
  return url ? `<${url}|${escapeMrkdwn(text)}>` : escapeMrkdwn(text);
}

export function defaultTitle(context: RunContext, status?: Status): string {
  const what = [context.workflow || 'Workflow', status].filter(Boolean).join(' ');
  return `${what} · ${context.repository}@${context.refName}`;
}

/** The event's own words: commit message on push, PR title on pull_request, tag on release. */
export function eventWords(context: RunContext): string | undefined {
  const p = context.payload;
  switch (context.eventName) {
    case 'push':
      if (context.refType === 'tag') return `Tag ${escapeMrkdwn(context.refName)}`;
      return p.head_commit?.message ? `Commit: ${escapeMrkdwn(String(p.head_commit.message).split('\n')[0])}` : undefined;
    case 'pull_request':
    case 'pull_request_target':
      return p.pull_request ? `Pull request ${slackLink(p.pull_request.html_url ?? '', `#${p.pull_request.number} ${p.pull_request.title ?? ''}`)}` : undefined;
    case 'release':
      return p.release ? `Release ${slackLink(p.release.html_url ?? '', p.release.tag_name ?? '')}` : undefined;
    case 'workflow_dispatch':
      return `Run manually by ${escapeMrkdwn(context.actor)}`;
    default:
      return undefined;
  }
}

export function buildDefaultMessage(inputs: SlackInputs, context: RunContext): SlackMessage {
  const style = inputs.status ? STYLE[inputs.status] : undefined;
  // The header is the title exactly; the status shows as its emoji on the first line below it, and
  // in the notification text.
  const title = inputs.title ?? defaultTitle(context, inputs.status);
  const mention = inputs.status === 'failure' && inputs.mentionOnFailure ? inputs.mentionOnFailure : '';
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: title, emoji: true } }];

  const statusLine = inputs.status && style ? `${style.emoji} *${inputs.status}*` : '';
  const body = [statusLine, mention, inputs.message, eventWords(context)].filter(Boolean).join('\n');
  if (body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: body } });

  const fields: Array<[string, string]> = [
    ['Repository', slackLink(context.repository ? `${context.serverUrl}/${context.repository}` : '', context.repository)],
    ['Ref', escapeMrkdwn(context.refName)],
    ['Commit', slackLink(context.commitUrl, context.sha.slice(0, 7))],
    ['Actor', escapeMrkdwn(context.actor)],
  ];
  if (inputs.environment) fields.push(['Environment', escapeMrkdwn(inputs.environment)]);
  if (inputs.version) fields.push(['Version', escapeMrkdwn(inputs.version)]);
  fields.push(...inputs.fields);
  const shown = fields.filter(([, value]) => value);
  for (let i = 0; i < shown.length; i += LIMITS.fields) {
    blocks.push({ type: 'section', fields: shown.slice(i, i + LIMITS.fields).map(([key, value]) => ({ type: 'mrkdwn', text: `*${escapeMrkdwn(key)}*\n${value}` })) });
  }

  if (inputs.url) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open', emoji: true }, url: inputs.url }] });
  }
  if (context.runUrl) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${slackLink(context.runUrl, `${context.workflow || 'Run'} #${context.runNumber || context.runId}`)} · ${escapeMrkdwn(context.eventName)}` }] });
  }

  const text = [mention, style ? `${style.emoji} ${title}` : title].filter(Boolean).join(' ');
  return style ? { text, attachments: [{ color: style.color, blocks }] } : { text, blocks };
}

function limitBlock(block: Block): Block {
  const copy = { ...block };
  if (copy.type === 'header' && copy.text?.text) copy.text = { ...copy.text, text: truncate(copy.text.text, LIMITS.header) };
  if (copy.type === 'section') {
    if (copy.text?.text) copy.text = { ...copy.text, text: truncate(copy.text.text, LIMITS.sectionText) };
    if (Array.isArray(copy.fields)) {
      copy.fields = copy.fields.slice(0, LIMITS.fields).map((field: Block) => ({ ...field, text: truncate(String(field.text ?? ''), LIMITS.field) }));
    }
  }
  return copy;
}

function limitBlocks(blocks: Block[] | undefined, room: number): Block[] | undefined {
  return blocks?.slice(0, Math.max(0, room)).map(limitBlock);
}

/** Applies Slack's limits: truncated texts, at most 50 blocks over the message and its attachments. */
export function applyLimits(message: SlackMessage): SlackMessage {
  const result: SlackMessage = { ...message, text: truncate(String(message.text ?? ''), LIMITS.fallbackText) };
  let room = LIMITS.blocks;
  if (message.blocks) {
    result.blocks = limitBlocks(message.blocks, room);
    room -= result.blocks!.length;
  }
  if (message.attachments) {
    result.attachments = message.attachments.map((attachment) => {
      if (!attachment.blocks) return attachment;
      const blocks = limitBlocks(attachment.blocks, room)!;
      room -= blocks.length;
      return { ...attachment, blocks };
    });
  }
  return result;
}
