/**
 * `{{ github.sha }}`, `{{ env.NAME }}` and `{{ inputs.status }}` in a user's payload. Substituted
 * into string values after the payload is parsed, so a quote or newline in a commit message can
 * never break the JSON or YAML around it.
 */
import { readFileSync } from 'node:fs';
import { valueAtPath } from '../lib/check-spec.js';
import { InputError, inputVariable, type Env } from '../lib/inputs.js';

const PLACEHOLDER = /\{\{\s*(github|env|inputs)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

function eventPayload(env: Env): unknown {
  try {
    return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'));
  } catch {
    return {};
  }
}

/**
 * `github.event.<path>` reads the event payload (`github.event.head_commit.message`);
 * `github.<name>` maps to GITHUB_<NAME>: sha, ref, ref_name, repository, actor, run_id, workflow, …
 */
function lookup(scope: string, name: string, env: Env): string {
  if (scope === 'github' && name.startsWith('event.')) {
    const value = valueAtPath(eventPayload(env), name.slice('event.'.length));
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
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (_, scope: string, name: string) => lookup(scope, name, env));
  if (Array.isArray(value)) return value.map((item) => substitutePlaceholders(item, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitutePlaceholders(item, env)]));
  }
  return value;
}
