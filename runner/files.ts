/**
 * The runner's side of the step's files and stdout: `GITHUB_OUTPUT` / `GITHUB_ENV` / `GITHUB_STATE`
 * in both their `name=value` and `name<<DELIMITER` forms, and the workflow commands an action
 * prints (`::add-mask::`, annotations).
 */

/** Parses the key-value file format of GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = line.indexOf('<<');
    const equals = line.indexOf('=');
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      const body: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) body.push(lines[i++]);
      if (i >= lines.length) throw new Error(`Matching delimiter not found '${delimiter}' for '${name}'`);
      result[name] = body.join('\n');
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`Invalid line in a GITHUB_* file: '${line}'`);
    }
  }
  return result;
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface CommandLog {
  /** Values registered with `::add-mask::`, in order. */
  masks: string[];
  annotations: Annotation[];
  /** The log as GitHub shows it: masked values replaced by `***`, mask commands not shown. */
  log: string;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

const COMMAND = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/;

/** Reads an action's stdout as the runner does; `secrets` are masked from the start (the job's token). */
export function processCommands(stdout: string, secrets: string[] = []): CommandLog {
  const masks: string[] = secrets.filter(Boolean);
  const annotations: Annotation[] = [];
  const shown: string[] = [];
  for (const line of stdout.split('\n')) {
    const command = line.match(COMMAND);
    if (command?.[1] === 'add-mask') {
      const value = unescapeData(command[3]);
      if (value) masks.push(value);
      continue;
    }
    if (command && (command[1] === 'error' || command[1] === 'warning' || command[1] === 'notice')) {
      const properties: Record<string, string> = {};
      for (const pair of (command[2] ?? '').split(',').filter(Boolean)) {
        const at = pair.indexOf('=');
        properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
      }
      annotations.push({ level: command[1], message: mask(unescapeData(command[3]), masks), properties });
    }
    shown.push(mask(line, masks));
  }
  return { masks, annotations, log: shown.join('\n') };
}

/** Replaces every registered secret (and each of its lines, as the runner does) by `***`. */
export function mask(text: string, masks: string[]): string {
  let result = text;
  for (const secret of masks) {
    for (const part of [secret, ...secret.split(/\r?\n/)]) {
      if (part.trim()) result = result.split(part).join('***');
    }
  }
  return result;
}

/**
 * Raw stdout lines that show one of `secrets` before the action masked it. The runner masks only
 * from an `::add-mask::` on; an action must mask a secret before its first use in a log line.
 */
export function findLeaks(stdout: string, secrets: string[]): string[] {
  const masked = new Set<string>();
  const leaks: string[] = [];
  for (const line of stdout.split('\n')) {
    const command = line.match(COMMAND);
    if (command?.[1] === 'add-mask') {
      masked.add(unescapeData(command[3]));
      continue;
    }
    for (const secret of secrets) {
      if (secret && line.includes(secret) && !masked.has(secret)) leaks.push(line);
    }
  }
  return leaks;
}
