/**
 * Renders a job summary (GitHub-flavoured Markdown with a little HTML) for a terminal: headings in
 * bold, tables as aligned columns, links as `text (url)`, `<br>` as a line break, other tags
 * dropped, entities and backslash escapes decoded. It covers what job summaries use, not all of
 * CommonMark: no reflowing of paragraphs, no nested block quotes, no reference-style links.
 */
import { displayWidth, padEnd, padStart, plain, type Style } from './text.js';

type Align = 'left' | 'right' | 'center';

// Escaped characters and code spans are parked in the Private Use Area while emphasis and links are
// parsed, so `\*` or `a|b` inside backticks are never read as Markdown.
const ESCAPE_BASE = 0xe000;
const CODE_OPEN = '\u{e100}';
const CODE_CLOSE = '\u{e101}';
const ESCAPABLE = /\\([!-/:-@[-`{-~])/g;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** One line of Markdown text, rendered; `<br>` becomes `\n`. */
export function renderInline(source: string, style: Style = plain): string {
  const codes: string[] = [];
  let text = source
    .replace(ESCAPABLE, (_, char: string) => String.fromCharCode(ESCAPE_BASE + char.charCodeAt(0)))
    .replace(/(`+)(.+?)\1/g, (_, _ticks: string, code: string) => {
      codes.push(code.trim());
      return `${CODE_OPEN}${codes.length - 1}${CODE_CLOSE}`;
    });
  const linked = (label: string, url: string) => (!label || label === url ? url : `${label} (${url})`);
  text = text
    .replace(/<summary>(.*?)<\/summary>/gi, (_, summary: string) => style.bold(`▸ ${summary}`))
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gi, (_, url: string, label: string) => linked(label, url))
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?[a-z][a-z0-9-]*(\s[^>]*)?\/?>/gi, '')
    .replace(/!\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_, alt: string, url: string) => linked(alt, url))
    .replace(/\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_, label: string, url: string) => linked(label, url))
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, (_, _mark: string, inner: string) => style.bold(inner))
    .replace(/(^|[^\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)/g, '$1$2')
    .replace(/(^|[^\w])_(?=\S)([^_]+?)(?<=\S)_(?!\w)/g, '$1$2')
    .replace(/~~(.+?)~~/g, '$1');
  text = decodeEntities(text)
    .replace(new RegExp(`${CODE_OPEN}(\\d+)${CODE_CLOSE}`, 'gu'), (_, index: string) => style.cyan(codes[Number(index)]))
    .replace(/[\u{e000}-\u{e07f}]/gu, (char) => String.fromCharCode(char.codePointAt(0)! - ESCAPE_BASE));
  return text;
}

/** Splits a table row on the pipes that are not escaped. */
function tableCells(row: string): string[] {
  const trimmed = row.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < trimmed.length; i++) {
    if (trimmed[i] === '\\' && i + 1 < trimmed.length) {
      current += trimmed[i] + trimmed[++i];
    } else if (trimmed[i] === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += trimmed[i];
    }
  }
  cells.push(current.trim());
  return cells;
}

const DELIMITER_ROW = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

function alignmentOf(delimiter: string): Align {
  const left = delimiter.startsWith(':');
  const right = delimiter.endsWith(':');
  return left && right ? 'center' : right ? 'right' : 'left';
}

function aligned(text: string, width: number, align: Align): string {
  if (align === 'right') return padStart(text, width);
  if (align === 'center') return padEnd(padStart(text, displayWidth(text) + Math.floor((width - displayWidth(text)) / 2)), width);
  return padEnd(text, width);
}

/** A Markdown table as columns two spaces apart; a cell with `<br>` spans several lines. */
export function renderTable(lines: string[], style: Style = plain): string[] {
  const aligns = tableCells(lines[1]).map(alignmentOf);
  const rows = [lines[0], ...lines.slice(2)].map((line) => tableCells(line).map((cell) => renderInline(cell, style).split('\n')));
  const columns = Math.max(aligns.length, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(1, ...rows.flatMap((row) => (row[column] ?? ['']).map(displayWidth))),
  );
  const physical = (row: string[][], header: boolean): string[] => {
    const height = Math.max(...row.map((cell) => cell.length));
    return Array.from({ length: height }, (_, lineIndex) =>
      widths
        .map((width, column) => {
          const text = row[column]?.[lineIndex] ?? '';
          return aligned(header ? style.bold(text) : text, width, aligns[column] ?? 'left');
        })
        .join('  ')
        .trimEnd(),
    );
  };
  const [header, ...body] = rows;
  return [...physical(header, true), widths.map((width) => '─'.repeat(width)).join('  '), ...body.flatMap((row) => physical(row, false))];
}

function heading(text: string, style: Style): string[] {
  if (style === plain) return [text, '─'.repeat(displayWidth(text))];
  return [style.bold(style.underline(text))];
}

/** The whole summary, as lines for a terminal. */
export function renderMarkdown(markdown: string, style: Style = plain): string {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = line.match(/^\s*(```|~~~)/);
    if (fence) {
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(fence[1]); i++) out.push(`    ${lines[i]}`);
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && DELIMITER_ROW.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      const table = [line, lines[i + 1]];
      for (i += 2; i < lines.length && lines[i].includes('|') && lines[i].trim(); i++) table.push(lines[i]);
      i--;
      out.push(...renderTable(table, style));
      continue;
    }
    const title = line.match(/^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/);
    if (title) {
      out.push(...heading(renderInline(title[1], style), style));
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push('─'.repeat(40));
      continue;
    }
    const item = line.match(/^(\s*)([-*+]|\d+[.)])\s+(.*)$/);
    if (item) {
      const bullet = /\d/.test(item[2]) ? item[2] : '•';
      const continuation = ' '.repeat(item[1].length + bullet.length + 1);
      const [first, ...rest] = renderInline(item[3], style).split('\n');
      out.push(`${item[1]}${bullet} ${first}`, ...rest.map((text) => continuation + text));
      continue;
    }
    const quote = line.match(/^\s{0,3}>\s?(.*)$/);
    if (quote) {
      out.push(...renderInline(quote[1], style).split('\n').map((text) => `│ ${text}`));
      continue;
    }
    out.push(...renderInline(line, style).split('\n'));
  }
  return out
    .map((text) => text.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
