/** Terminal text: colours only when the stream is a terminal, and the width a string takes on screen. */

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  underline(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  green(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => (text ? `\u001b[${open}m${text}\u001b[${close}m` : text);

export const colours: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  underline: sgr(4, 24),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
  green: sgr(32, 39),
};

const same = (text: string) => text;
export const plain: Style = { bold: same, dim: same, underline: same, red: same, yellow: same, cyan: same, green: same };

/** Colours follow the usual conventions: NO_COLOR turns them off, FORCE_COLOR on, else a TTY decides. */
export function styleFor(isTTY: boolean | undefined, env: NodeJS.ProcessEnv): Style {
  if (env.NO_COLOR) return plain;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return colours;
  return isTTY ? colours : plain;
}

// eslint-disable-next-line no-control-regex -- colour codes are what this matches
const ANSI = /\u001b\[[0-9;]*m/g;
const ZERO_WIDTH = /\p{M}|[\u200b-\u200f]/u;
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;

/** Columns `text` takes in a terminal: colour codes take none, emoji and CJK take two. */
export function displayWidth(text: string): number {
  const chars = Array.from(text.replace(ANSI, ''));
  let width = 0;
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (ZERO_WIDTH.test(char)) continue;
    // A text-style symbol followed by VARIATION SELECTOR-16 (⚠️) is drawn as an emoji.
    width += WIDE.test(char) || chars[i + 1] === '\ufe0f' ? 2 : 1;
  }
  return width;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

export function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

export function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');
}
