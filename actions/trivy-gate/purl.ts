/**
 * Package URLs (https://github.com/package-url/purl-spec), only as far as ignore rules need them:
 * `pkg:type/namespace/name@version?qualifiers#subpath`, and Trivy's matching rule — a rule's PURL
 * matches a package when type, namespace and name are equal, its version (if any) is equal, its
 * subpath (if any) is equal, and each of its qualifiers is on the package with the same value.
 */
export interface PackageUrl {
  type: string;
  namespace: string;
  name: string;
  version: string;
  qualifiers: Map<string, string>;
  subpath: string;
}

const decode = (part: string) => decodeURIComponent(part);

/** Parses a PURL; undefined when the text is not one. */
export function parsePurl(text: string): PackageUrl | undefined {
  try {
    return parse(text);
  } catch {
    return undefined; // a malformed %-escape
  }
}

function parse(text: string): PackageUrl | undefined {
  if (!text.startsWith('pkg:')) return undefined;
  let rest = text.slice(4).replace(/^\/+/, '');
  let subpath = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    subpath = rest.slice(hash + 1).split('/').filter((s) => s && s !== '.' && s !== '..').map(decode).join('/');
    rest = rest.slice(0, hash);
  }
  const qualifiers = new Map<string, string>();
  const question = rest.indexOf('?');
  if (question >= 0) {
    for (const pair of rest.slice(question + 1).split('&')) {
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const value = decode(pair.slice(at + 1));
      if (value) qualifiers.set(pair.slice(0, at).toLowerCase(), value);
    }
    rest = rest.slice(0, question);
  }
  rest = rest.replace(/\/+$/, '');
  let version = '';
  const at = rest.lastIndexOf('@');
  if (at >= 0 && at > rest.lastIndexOf('/')) {
    version = decode(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const parts = rest.split('/');
  if (parts.length < 2) return undefined;
  const type = parts[0].toLowerCase();
  const name = decode(parts[parts.length - 1]);
  if (!type || !name) return undefined;
  const namespace = parts.slice(1, -1).map(decode).join('/');
  return { type, namespace, name, version, qualifiers, subpath };
}

/** Whether the rule's PURL `constraint` covers the package `target` (Trivy's PackageURL.Match). */
export function purlMatches(constraint: PackageUrl, target: PackageUrl): boolean {
  if (constraint.type !== target.type || constraint.namespace !== target.namespace || constraint.name !== target.name) {
    return false;
  }
  if (constraint.version && constraint.version !== target.version) return false;
  if (constraint.subpath && constraint.subpath !== target.subpath) return false;
  for (const [key, value] of constraint.qualifiers) {
    if (target.qualifiers.get(key) !== value) return false;
  }
  return true;
}
