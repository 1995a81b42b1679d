/**
 * Fills `{{app}}`, `{{namespace}}`, `{{color}}`, `{{live-color}}` and `{{revision}}` in PromQL.
 * A value lands inside a string literal, so it is escaped as one (backslash, quote, line breaks);
 * inside the string of a regex matcher (`=~`, `!~`) its regex metacharacters are escaped as well,
 * so `web.v2` matches only itself. A placeholder outside any string is filled as it is: it can
 * only come from a validated input (an app name, a colour, a revision number).
 */

export const PLACEHOLDERS = ['app', 'namespace', 'color', 'live-color', 'revision'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;

export function placeholdersIn(query: string): string[] {
  return [...query.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/** PromQL's lexer accepts only the opening quote and a few letters after a backslash. */
function escapeString(value: string, quote: '"' | "'"): string {
  return value.replace(/\\/g, '\\\\').replaceAll(quote, `\\${quote}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** RE2 metacharacters; escaped before the string escaping (their backslashes are then doubled). */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function fillQuery(query: string, values: TemplateValues): string {
  let out = '';
  let inString: '"' | "'" | '`' | undefined;
  let regexString = false;
  for (let at = 0; at < query.length; ) {
    const char = query[at];
    if (inString) {
      if (char === '\\' && inString !== '`') {
        out += query.slice(at, at + 2);
        at += 2;
        continue;
      }
      if (char === inString) inString = undefined;
    } else if (char === '"' || char === "'" || char === '`') {
      inString = char;
      regexString = /[=!]~\s*$/.test(query.slice(0, at));
    }
    if (char === '{' && query[at + 1] === '{') {
      PLACEHOLDER.lastIndex = at;
      const match = PLACEHOLDER.exec(query);
      if (match && match.index === at) {
        const raw = values[match[1] as Placeholder] ?? '';
        const value = inString && regexString ? escapeRegex(raw) : raw;
        out += inString === '"' || inString === "'" ? escapeString(value, inString) : value;
        at += match[0].length;
        continue;
      }
    }
    out += char;
    at++;
  }
  return out;
}
