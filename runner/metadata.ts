/** Reads an action's `action.yml` and resolves input defaults as GitHub's runner does. */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface InputSpec {
  description?: string;
  required?: boolean;
  default?: string;
  deprecationMessage?: string;
}

export interface ActionMetadata {
  name: string;
  description?: string;
  inputs: Record<string, InputSpec>;
  outputs: Record<string, { description?: string }>;
  runs: { using: string; main: string; pre?: string; post?: string };
  /** Folder holding action.yml. */
  dir: string;
  /** Absolute path of the script `runs.main` names. */
  mainPath: string;
}

export function loadActionMetadata(actionDir: string): ActionMetadata {
  const dir = resolve(actionDir);
  const file = ['action.yml', 'action.yaml'].map((name) => join(dir, name)).find(existsSync);
  if (!file) throw new Error(`No action.yml in ${dir}`);
  const doc = parseYaml(readFileSync(file, 'utf8')) as Partial<ActionMetadata> | null;
  if (!doc?.runs?.using || !doc.runs.main) throw new Error(`${file}: runs.using and runs.main are required for a JavaScript action`);
  if (!/^node\d+$/.test(doc.runs.using)) throw new Error(`${file}: runs.using '${doc.runs.using}' is not a JavaScript runtime`);
  const inputs: Record<string, InputSpec> = {};
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    inputs[name] = { ...spec, default: spec?.default === undefined ? undefined : String(spec.default) };
  }
  return {
    name: doc.name ?? dir,
    description: doc.description,
    inputs,
    outputs: doc.outputs ?? {},
    runs: doc.runs,
    dir,
    mainPath: resolve(dirname(file), doc.runs.main),
  };
}

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/**
 * The value of an input's default: `${{ github.token }}` becomes the token the caller gives;
 * any other expression cannot be evaluated outside GitHub, so it is an error naming it.
 */
export function resolveDefault(name: string, value: string, githubToken: string | undefined): string {
  return value.replace(EXPRESSION, (whole, expression: string) => {
    if (expression === 'github.token') {
      if (githubToken === undefined) throw new Error(`The default of input '${name}' is ${whole}; give the runner a githubToken`);
      return githubToken;
    }
    throw new Error(`The default of input '${name}' uses ${whole}, an expression this runner does not evaluate`);
  });
}

/**
 * Inputs as the step receives them: the workflow's `with:` over the action's defaults. Inputs the
 * action does not declare are passed too (GitHub warns but passes them), and reported back.
 */
export function resolveInputs(
  metadata: ActionMetadata,
  given: Record<string, string>,
  githubToken: string | undefined,
): { inputs: Record<string, string>; unexpected: string[] } {
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs)) {
    if (name in given) continue;
    // As GitHub's runner: a declared input without a default is set, to the empty string.
    inputs[name] = spec.default === undefined ? '' : resolveDefault(name, spec.default, githubToken);
  }
  const unexpected = Object.keys(given).filter((name) => !(name in metadata.inputs));
  return { inputs: { ...inputs, ...given }, unexpected };
}

/** The environment variable name of an input: upper-cased, spaces to `_`. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
