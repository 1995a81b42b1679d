/** Label selectors (`=`, `==`, `!=`, `in`, `notin`, exists, `!key`) and field selectors, in their query form and as LabelSelector objects. */
import { errors } from './errors.js';
import type { KubeObject } from './types.js';

type Operator = 'in' | 'notin' | 'exists' | '!';
interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}
export type Matcher = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseRequirement(text: string): Requirement {
  const setMatch = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (setMatch) {
    const values = setMatch[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
    return { key: setMatch[1], operator: setMatch[2] as 'in' | 'notin', values };
  }
  const notEqual = /^([^\s!=]+)\s*!=\s*([^\s]*)$/.exec(text);
  if (notEqual) return { key: notEqual[1], operator: 'notin', values: [notEqual[2]] };
  const equal = /^([^\s!=]+)\s*==?\s*([^\s]*)$/.exec(text);
  if (equal) return { key: equal[1], operator: 'in', values: [equal[2]] };
  const notExists = /^!\s*([^\s!=]+)$/.exec(text);
  if (notExists) return { key: notExists[1], operator: '!', values: [] };
  if (/^[^\s!=(),]+$/.test(text)) return { key: text, operator: 'exists', values: [] };
  throw errors.badRequest(`unable to parse requirement: ${JSON.stringify(text)}`);
}

function matches(requirements: Requirement[], labels: Record<string, string> = {}): boolean {
  return requirements.every(({ key, operator, values }) => {
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (operator) {
      case 'in':
        return has && values.includes(labels[key]);
      case 'notin':
        return !has || !values.includes(labels[key]);
      case 'exists':
        return has;
      case '!':
        return !has;
    }
  });
}

/** Parses `?labelSelector=` text; an empty selector matches everything. */
export function parseLabelSelector(text: string | null | undefined): Matcher {
  const requirements = splitTopLevel(text ?? '').map(parseRequirement);
  return (labels) => matches(requirements, labels);
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** A LabelSelector object as in Deployment and Job specs. An empty one matches everything. */
export function labelSelectorMatcher(selector: LabelSelector | undefined): Matcher {
  const requirements: Requirement[] = Object.entries(selector?.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'in', values: [value] }));
  for (const expression of selector?.matchExpressions ?? []) {
    const operator = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[expression.operator];
    requirements.push({ key: expression.key, operator, values: expression.values ?? [] });
  }
  return (labels) => matches(requirements, labels);
}

/** A Service's `spec.selector` map: an empty or missing map selects no pods, as for the real endpoints controller. */
export function mapSelectorMatcher(selector: Record<string, string> | undefined): Matcher {
  if (!selector || Object.keys(selector).length === 0) return () => false;
  return labelSelectorMatcher({ matchLabels: selector });
}

/** `app=web,tier in (a,b)`: the query form of a LabelSelector, as `status.selector` of a Scale carries it. */
export function labelSelectorText(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

function fieldValue(object: KubeObject, path: string): string {
  let value: unknown = object;
  for (const part of path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value === undefined || value === null ? '' : String(value);
}

/** Parses `?fieldSelector=` (`metadata.name=x`, `metadata.namespace!=y`, other dotted paths compared as strings). */
export function parseFieldSelector(text: string | null | undefined): (object: KubeObject) => boolean {
  const terms = splitTopLevel(text ?? '').map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw errors.badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    return { path: m[1], negate: m[2] === '!=', value: m[3] };
  });
  return (object) => terms.every((t) => (fieldValue(object, t.path) === t.value) !== t.negate);
}
