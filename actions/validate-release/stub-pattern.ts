/**
 * Stub patterns as users write them: plain text (matched as is, case-sensitive) or `/regex/flags`.
 * Kept free of dependencies: main.ts parses them while validating inputs, before anything heavy.
 */
export interface StubPattern {
  /** As the user wrote it, for messages. */
  source: string;
  /** Tests one line; never global or sticky, so `test` keeps no state between lines. */
  regex: RegExp;
  /** Written as `/regex/`: it may backtrack without end, so it runs with a time limit. */
  userRegex: boolean;
}

const REGEX_LITERAL = /^\/(.+)\/([a-z]*)$/s;

/** Throws an Error saying why a `/regex/` does not compile (the caller names the input). */
export function parseStubPattern(text: string): StubPattern {
  const literal = REGEX_LITERAL.exec(text);
  if (!literal) return { source: text, regex: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), userRegex: false };
  const flags = literal[2].replace(/[gy]/g, '');
  return { source: text, regex: new RegExp(literal[1], flags), userRegex: true };
}
