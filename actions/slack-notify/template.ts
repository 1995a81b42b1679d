/**
 * `{{ github.sha }}`, `{{ env.NAME }}` and `{{ inputs.status }}` in a user's payload. Substituted
 * into string values after the payload is parsed, so a quote or newline in a commit message can
 * never break the JSON or YAML around it.
 */
import { valueAtPath } from '../lib/check-spec.js';
import { InputError, inputVariable, type Env } from '../lib/inputs.js';
import { readRunContext } from '../lib/run-context.js';

const PLACEHOLDER = /\{\{\s*(github|env|inputs)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

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
  if (scope === 'github') {
    const variable = `GITHUB_${name.toUpperCase()}`;
    if (env[variable] === undefined) throw new InputError('payload', `uses {{ github.${name} }}, which this job does not have (no ${variable})`);
    return env[variable] ?? '';
  }
  if (scope === 'env') return env[name] ?? '';
  return (env[inputVariable(name)] ?? '').trim();
}

export function substitutePlaceholders(value: unknown, env: Env): unknown {
  let payload: unknown;
  const event = () => (payload ??= readRunContext(env).payload); // read once, and only if used
  const substitute = (item: unknown): unknown => {
    if (typeof item === 'string') return item.replace(PLACEHOLDER, (_, scope: string, name: string) => lookup(scope, name, env, event));
    if (Array.isArray(item)) return item.map(substitute);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, substitute(inner)]));
    return item;
  };
  return substitute(value);
}
