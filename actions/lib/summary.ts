/** Job summary helpers: Markdown built as plain strings (readable in a terminal too), written once. */
import { appendFile } from 'node:fs/promises';
import { EOL } from 'node:os';
import { redact } from './secrets.js';

/** A table cell: pipes escaped, line breaks kept as <br>. */
export function cell(value: unknown): string {
  return String(value ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

/** GitHub refuses a step's summary over 1 MiB: it is then not shown at all. */
export const SUMMARY_LIMIT_BYTES = 1_048_576;

export function tableRow(row: unknown[]): string {
  return `| ${row.map(cell).join(' | ')} |`;
}

export function table(headers: string[], rows: unknown[][]): string {
  const lines = [tableRow(headers), `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(tableRow(row));
  return lines.join('\n');
}

export function link(text: string, url: string | undefined): string {
  return url ? `[${text.replace(/[[\]]/g, '\\$&')}](${url})` : text;
}

/** Appends Markdown sections to the step summary (no-op outside a runner), masked as the log is. */
export async function writeSummary(...sections: string[]): Promise<void> {
  await writeRawSummary(sections.filter(Boolean).join('\n\n') + '\n', true);
}

/** Appends Markdown as it is (a line end after it only with `addEol`), every masked value replaced by `***`. */
export async function writeRawSummary(markdown: string, addEol = false): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  // What core.summary.addRaw(…).write() appends, without loading @actions/core (undici and http-client).
  await appendFile(file, redact(markdown) + (addEol ? EOL : ''), { encoding: 'utf8' });
}
