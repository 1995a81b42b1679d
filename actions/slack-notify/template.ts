/**
 * `{{ github.sha }}`, `{{ env.NAME }}` and `{{ inputs.status }}` in a user's payload. Substituted
 * into string values after the payload is parsed, so a quote or newline in a commit message can
 * never break the JSON or YAML around it.
 */
import { valueAtPath } from '../lib/check-spec.js';
import { InputError, inputVariable, type Env } from '../lib/inputs.js';
import { readRunContext } from '../lib/run-context.js';
import { isSecretVariable } from '../lib/secret-names.js';

const PLACEHOLDER = /\{\{\s*(github|env|inputs)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/** slack-notify's inputs that hold secrets, whatever their names say. */
const SECRET_INPUTS = ['token', 'webhook-url'];

const SECRET_REFUSED = 'templates never read secrets (secret inputs, and variables whose names hold TOKEN, SECRET, PASSWORD, KEY, WEBHOOK or CREDENTIAL)';

/** Refuses a placeholder that would read a secret by its name. */
function checkNotSecret(scope: string, name: string, variable: string): void {
  const secretInput = scope === 'inputs' && SECRET_INPUTS.includes(name.toLowerCase());
  if (secretInput || isSecretVariable(variable)) throw new InputError('payload', `uses {{ ${scope}.${name} }}, a secret: ${SECRET_REFUSED}`);
}

/**
 * `github.event.<path>` reads the event payload (`github.event.head_commit.message`);
 * `github.<name>` maps to GITHUB_<NAME>: sha, ref, ref_name, repository, actor, run_id, workflow, …
 */
function lookup(scope: string, name: string, env: Env, event: () => unknown): string {
  if (scope === 'github' && name.startsWith('event.')) {
    const value = valueAtPath(event(), name.slice('event.'.length));
    if (value === undefined) throw new InputError('payload', `uses {{ github.${name} }}, which this event's payload does not have`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (name.includes('.')) throw new InputError('payload', `uses {{ ${scope}.${name} }}; only github.event.* may have a dotted path`);
  const variable = scope === 'github' ? `GITHUB_${name.toUpperCase()}` : scope === 'env' ? name : inputVariable(name);
  checkNotSecret(scope, name, scope === 'inputs' ? name : variable);
  if (scope === 'github') {
    if (env[variable] === undefined) throw new InputError('payload', `uses {{ github.${name} }}, which this job does not have (no ${variable})`);
    return env[variable] ?? '';
  }
  if (scope === 'env') return env[name] ?? '';
  return (env[inputVariable(name)] ?? '').trim();
}

/**
 * The secrets a step can know of: the values of its secret inputs and of every variable named like
 * a secret (what `::add-mask::` hides in the log is, in practice, one of these). Short values are
 * left out: they would match ordinary text.
 */
export function knownSecrets(env: Env): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    const secretInput = SECRET_INPUTS.some((input) => inputVariable(input) === name);
    const trimmed = (value ?? '').trim();
    if (trimmed.length >= 8 && (secretInput || isSecretVariable(name.startsWith('INPUT_') ? name.slice(6) : name))) values.add(trimmed);
  }
  return [...values];
}

/**
 * Placeholders replaced in every string of a parsed payload. A placeholder naming a secret is an
 * input error, and so is one whose value holds a known secret under another name (`secrets`, by
 * default those of knownSecrets): a template must never post a secret to a channel.
 */
export function substitutePlaceholders(value: unknown, env: Env, secrets: string[] = knownSecrets(env)): unknown {
  let payload: unknown;
  const event = () => (payload ??= readRunContext(env).payload); // read once, and only if used
  const expand = (scope: string, name: string): string => {
    const found = lookup(scope, name, env, event);
    if (secrets.some((secret) => found.includes(secret))) throw new InputError('payload', `uses {{ ${scope}.${name} }}, whose value holds a secret: ${SECRET_REFUSED}`);
    return found;
  };
  const substitute = (item: unknown): unknown => {
    if (typeof item === 'string') return item.replace(PLACEHOLDER, (_, scope: string, name: string) => expand(scope, name));
    if (Array.isArray(item)) return item.map(substitute);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, substitute(inner)]));
    return item;
  };
  return substitute(value);
}
