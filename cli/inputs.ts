/**
 * The step's `with:` from the three places a local user gives inputs, in order of precedence:
 * flags, then input files (later files win), then `INPUT_*` variables. Names match as GitHub
 * matches them — case-insensitively — and `_` stands for `-`, since a shell cannot export
 * `INPUT_WEBHOOK-URL`.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { inputEnvName } from '../runner/index.js';
import { UsageError } from './args.js';

export interface GivenInputs {
  values: Record<string, string>;
  /** Where each value came from: `--url`, `inputs.yml`, `$INPUT_URL`. */
  sources: Record<string, string>;
  /** `INPUT_*` variables that name no input of this action: ignored, with a warning. */
  ignoredVariables: string[];
}

const normalise = (name: string) => name.toLowerCase().replace(/[_ ]/g, '-');

/** The declared input `given` means, or undefined. */
export function matchInput(declared: string[], given: string): string | undefined {
  return declared.find((name) => name === given) ?? declared.find((name) => normalise(name) === normalise(given));
}

function unknownInput(given: string, where: string, declared: string[]): UsageError {
  const list = declared.length ? `its inputs are: ${declared.join(', ')}` : 'it declares no inputs';
  return new UsageError(`Unknown input '${given}' (${where}); ${list}`);
}

/** Reads an input file: a YAML map of input → scalar value, like a step's `with:`. */
export function readInputFile(path: string): Record<string, string> {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read --input-file ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) throw new UsageError(`--input-file ${path} must be a YAML map of input: value`);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(document)) {
    if (value !== null && typeof value === 'object') {
      throw new UsageError(`Input '${name}' in ${path} must be a string, number or boolean; write a list or map as a block: '${name}: |'`);
    }
    values[name] = value === null || value === undefined ? '' : String(value);
  }
  return values;
}

export function collectInputs(
  declared: string[],
  sources: { flags: Array<{ name: string; value: string }>; inputFiles: string[]; env: NodeJS.ProcessEnv },
): GivenInputs {
  const result: GivenInputs = { values: {}, sources: {}, ignoredVariables: [] };
  const set = (name: string, value: string, source: string) => {
    result.values[name] = value;
    result.sources[name] = source;
  };

  // Lowest precedence first; each later layer overwrites. The exact runner spelling
  // (INPUT_WEBHOOK-URL) wins over a spelling with underscores when both are set.
  const variables = Object.keys(sources.env).filter((variable) => variable.startsWith('INPUT_'));
  const claimed = new Set<string>();
  for (const name of declared) {
    const spellings = variables.filter((variable) => normalise(variable.slice('INPUT_'.length)) === normalise(name));
    spellings.forEach((variable) => claimed.add(variable));
    const variable = spellings.find((spelling) => spelling === inputEnvName(name)) ?? spellings[0];
    if (variable !== undefined) set(name, sources.env[variable] ?? '', `$${variable}`);
  }
  result.ignoredVariables = variables.filter((variable) => !claimed.has(variable));

  for (const file of sources.inputFiles) {
    for (const [given, value] of Object.entries(readInputFile(file))) {
      const name = matchInput(declared, given);
      if (name === undefined) throw unknownInput(given, `in ${file}`, declared);
      set(name, value, file);
    }
  }

  const repeated = new Set<string>();
  for (const flag of sources.flags) {
    const name = matchInput(declared, flag.name);
    if (name === undefined) throw unknownInput(flag.name, `--${flag.name}`, declared);
    const again = repeated.has(name);
    set(name, again ? `${result.values[name]}\n${flag.value}` : flag.value, `--${name}`);
    repeated.add(name);
  }
  return result;
}
