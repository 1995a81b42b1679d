/**
 * The command line: `sunday-actions [<action>] [--help] [options] [--<input> <value> | --<input>=<value>]…`.
 * Options of the command itself are recognised first; every other `--name` is an input of the
 * action, checked against its action.yml later. Repeating an input's flag gives a multi-line value,
 * one line per flag (as `url:` or `tags:` take one item per line).
 */

export const OPTIONS = {
  'input-file': 'A YAML map of input → value (repeatable; later files win)',
  workspace: 'The job workspace and working directory (default: the current directory)',
  event: 'The event name: push, pull_request, release, workflow_dispatch… (default: workflow_dispatch, or guessed from --event-path)',
  'event-path': 'A webhook payload (JSON) written to GITHUB_EVENT_PATH',
  ref: 'GITHUB_REF, e.g. refs/tags/v1.2.3 (default: from the event, else refs/heads/main)',
  sha: 'GITHUB_SHA (default: from the event)',
  repository: 'GITHUB_REPOSITORY, owner/name (default: from the event, else sunday/app)',
  'github-token': 'The value of ${{ github.token }} (default: $GITHUB_TOKEN, else empty); masked in the log',
  'timeout-minutes': "Stop the action after this long, as a step's timeout-minutes does (fractions allowed)",
} as const;

export type OptionName = keyof typeof OPTIONS;

export interface ParsedArgs {
  action?: string;
  help: boolean;
  options: Partial<Record<Exclude<OptionName, 'input-file'>, string>>;
  inputFiles: string[];
  /** Inputs given as flags, in order; a repeated flag appears once per occurrence. */
  flags: Array<{ name: string; value: string }>;
}

export class UsageError extends Error {}

const isOption = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

export function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { help: false, options: {}, inputFiles: [], flags: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      parsed.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (parsed.action !== undefined) throw new UsageError(`Unexpected argument '${arg}': inputs are given as --<input> <value>`);
      parsed.action = arg;
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    if (!name) throw new UsageError(`'${arg}' names no input`);
    let value: string;
    if (equals >= 0) {
      value = arg.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`--${name} needs a value`);
      if (next.startsWith('--')) throw new UsageError(`--${name} needs a value (write --${name}=${next} for a value that starts with --)`);
      value = next;
      i++;
    }
    if (!isOption(name)) parsed.flags.push({ name, value });
    else if (name === 'input-file') parsed.inputFiles.push(value);
    else parsed.options[name] = value;
  }
  return parsed;
}
