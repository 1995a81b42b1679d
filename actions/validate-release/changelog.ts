/** Finds a version's section in a Keep a Changelog file and takes its body as the release notes. */

export interface ChangelogSection {
  /** The heading line as written, e.g. `## [1.2.3] - 2026-11-20`. */
  heading: string;
  /** 1-based line of the heading. */
  line: number;
  /** The text between the heading and the next `#`/`##` heading, trimmed. */
  body: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `## [1.2.3] - 2026-11-20`, `## [1.2.3]`, `## 1.2.3`, `## 1.2.3 (2026-11-20)`; the tag prefix may
 * precede the version (`## [v1.2.3]`). `## [1.2.3-rc.1]` is not a section for 1.2.3.
 */
export function sectionHeading(version: string, prefix = ''): RegExp {
  const name = `${prefix ? `(?:${escape(prefix)})?` : ''}${escape(version)}`;
  return new RegExp(`^##[ \\t]+(?:\\[[ \\t]*${name}[ \\t]*\\]|${name})(?=\\s|$)`);
}

/** A level-1 or level-2 heading ends a section; `###` subsections belong to it. */
const SECTION_END = /^#{1,2}(?:[ \t]|$)/;
/** `[1.2.3]: https://…` link definitions that Keep a Changelog puts at the end of the file. */
const LINK_DEFINITION = /^\[[^\]]+\]:\s*\S+/;

export function findSection(text: string, version: string, prefix = ''): ChangelogSection | undefined {
  const lines = text.split(/\r?\n/);
  const heading = sectionHeading(version, prefix);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) return undefined;
  const next = lines.findIndex((line, i) => i > start && SECTION_END.test(line));
  const body = lines.slice(start + 1, next < 0 ? lines.length : next);
  // The last section runs into the file's link definitions; they are not part of its notes.
  const isLast = next < 0;
  while (body.length && (!body.at(-1)!.trim() || (isLast && LINK_DEFINITION.test(body.at(-1)!)))) body.pop();
  while (body.length && !body[0].trim()) body.shift();
  return { heading: lines[start], line: start + 1, body: body.join('\n') };
}
