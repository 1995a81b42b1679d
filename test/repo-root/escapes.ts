/**
 * Finds the places in a source file that reach a path above the repository root: the tests,
 * benchmarks, the command and the scripts must run from a clone with nothing beside it.
 *
 * It follows the ways our code builds paths, statically (TypeScript's parser, no execution):
 * `resolve(...)`, `join(...)` (also `path.`/`posix.`), `dirname(...)`, `fileURLToPath(...)`,
 * `new URL('…', import.meta.url)`, `a + '/…'` and template strings, from the bases it can place:
 * `import.meta.dirname`/`__dirname` (the file's folder), `import.meta.url`/`import.meta.filename`,
 * `process.cwd()` and a relative first argument (the repository root, where npm runs everything),
 * a name bound in the file to one of these, and an unbound `root`/`repoRoot`/`repo` (the
 * repository root, as test/harness.ts and cli/catalog.ts export it). Bases it cannot place (a
 * temporary folder, the user's cache) are not judged. Import specifiers are resolved from the
 * file's folder; any other string with a `..` segment is taken relative to the repository root.
 *
 * A line that must name such a path (test data for a path-traversal check, say) says so with a
 * `repo-root: allowed` comment on the line or the line before it.
 */
import ts from 'typescript';

export interface Escape {
  line: number;
  text: string;
}

/** A location relative to the repository root: its segments ('*' for one unknown segment), or 'above'. */
type Place = string[] | 'above';

const ROOT_NAMES = new Set(['root', 'repoRoot', 'repo', 'repositoryRoot', 'ROOT', 'REPO_ROOT']);
const PATH_MODULE_NAMES = new Set(['path', 'posix', 'nodePath']);

function walk(place: Place, segments: string[]): Place {
  if (place === 'above') return 'above';
  const out = [...place];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return 'above';
      out.pop();
    } else out.push(segment);
  }
  return out;
}

/** A literal compared with (`x === '..'`, `case '..':`) names no path. */
function isCompared(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isCaseClause(parent)) return true;
  if (!ts.isBinaryExpression(parent)) return false;
  const op = parent.operatorToken.kind;
  return op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
}

const splitPath = (text: string): string[] => text.split('/');
const hasDotDot = (text: string): boolean => splitPath(text).includes('..');

function calleeName(expr: ts.Expression): string | undefined {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isPropertyAccessExpression(expr) && ts.isIdentifier(expr.expression) && PATH_MODULE_NAMES.has(expr.expression.text)) return expr.name.text;
  return undefined;
}

function isImportMeta(expr: ts.Expression, name: string): boolean {
  return ts.isPropertyAccessExpression(expr) && ts.isMetaProperty(expr.expression) && expr.expression.keywordToken === ts.SyntaxKind.ImportKeyword && expr.name.text === name;
}

export function findEscapes(file: string, source: string): Escape[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const fileParts = file.split('/');
  const dirParts = fileParts.slice(0, -1);
  const lines = source.split('\n');

  // Names bound in the file with an initialiser (the first binding of each name).
  const bindings = new Map<string, ts.Expression>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && !bindings.has(node.name.text)) bindings.set(node.name.text, node.initializer);
    ts.forEachChild(node, collect);
  };
  collect(sf);

  const consumed = new Set<ts.Node>();
  const evaluating = new Set<string>();

  /** Where `expr` points, or undefined when it cannot be placed. Literals it reads are consumed. */
  function place(expr: ts.Expression): Place | undefined {
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr)) return place(expr.expression);
    if (isImportMeta(expr, 'dirname')) return dirParts;
    if (isImportMeta(expr, 'url') || isImportMeta(expr, 'filename')) return fileParts;
    if (ts.isIdentifier(expr)) {
      if (expr.text === '__dirname') return dirParts;
      if (expr.text === '__filename') return fileParts;
      const bound = bindings.get(expr.text);
      if (bound && !evaluating.has(expr.text)) {
        evaluating.add(expr.text);
        try {
          return place(bound);
        } finally {
          evaluating.delete(expr.text);
        }
      }
      return !bound && ROOT_NAMES.has(expr.text) ? [] : undefined;
    }
    if (ts.isStringLiteralLike(expr)) {
      consumed.add(expr);
      return expr.text.startsWith('/') ? undefined : walk([], splitPath(expr.text));
    }
    if (ts.isCallExpression(expr)) {
      if (ts.isPropertyAccessExpression(expr.expression) && ts.isIdentifier(expr.expression.expression) && expr.expression.expression.text === 'process' && expr.expression.name.text === 'cwd') return [];
      const name = calleeName(expr.expression);
      if (name === 'fileURLToPath' && expr.arguments[0]) return place(expr.arguments[0]);
      if (name === 'dirname' && expr.arguments[0]) {
        const inner = place(expr.arguments[0]);
        return inner === undefined || inner === 'above' ? inner : walk(inner, ['..']);
      }
      if (name === 'resolve' || name === 'join') return placeSegments(expr.arguments, name === 'resolve');
      return undefined;
    }
    if (ts.isNewExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'URL' && expr.arguments?.length === 2) {
      const [relative, base] = expr.arguments;
      const from = place(base);
      if (!ts.isStringLiteralLike(relative) || from === undefined) return undefined;
      consumed.add(relative);
      // A URL resolves against its base's folder, as the base names a file.
      return walk(from === 'above' ? from : from.slice(0, -1), splitPath(relative.text));
    }
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = place(expr.left);
      if (left === undefined || !ts.isStringLiteralLike(expr.right)) return undefined;
      consumed.add(expr.right);
      return walk(left, splitPath(expr.right.text));
    }
    if (ts.isTemplateExpression(expr) && expr.head.text === '' && expr.templateSpans.length > 0) {
      let current = place(expr.templateSpans[0].expression);
      if (current === undefined) return undefined;
      for (const [i, span] of expr.templateSpans.entries()) {
        if (i > 0) current = walk(current, ['*']);
        consumed.add(span.literal);
        current = walk(current, splitPath(span.literal.text));
      }
      return current;
    }
    return undefined;
  }

  /** resolve()/join(): a relative start is the working directory (the repository root under npm). */
  function placeSegments(args: ts.NodeArray<ts.Expression>, resolves: boolean): Place | undefined {
    // Its literals are read here, whether or not the whole can be placed (an unknown or absolute base).
    for (const arg of args) if (ts.isStringLiteralLike(arg)) consumed.add(arg);
    let current: Place | undefined = [];
    for (const [i, arg] of args.entries()) {
      if (ts.isStringLiteralLike(arg)) {
        if (arg.text.startsWith('/')) {
          if (resolves || i === 0) return undefined; // an absolute path: outside our reach, not judged
          current = walk(current!, splitPath(arg.text));
        } else current = walk(current!, splitPath(arg.text));
        continue;
      }
      const placed = place(arg);
      if (i === 0) {
        if (placed === undefined) return undefined;
        current = placed;
      } else current = resolves && placed !== undefined ? placed : walk(current!, ['*']);
    }
    return current;
  }

  const escapes = new Map<number, Escape>();
  const report = (node: ts.Node): void => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
    const allowed = [lines[line], lines[line - 1] ?? ''].some((text) => /repo-root: allowed/.test(text));
    if (!allowed && !escapes.has(line + 1)) escapes.set(line + 1, { line: line + 1, text: lines[line].trim() });
  };

  const moduleSpecifier = (node: ts.Node): ts.Expression | undefined => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) return node.moduleSpecifier;
    if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) return node.arguments[0];
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'jest') return node.arguments[0];
    return undefined;
  };

  const visit = (node: ts.Node): void => {
    const specifier = moduleSpecifier(node);
    if (specifier && ts.isStringLiteralLike(specifier)) {
      consumed.add(specifier);
      if (specifier.text.startsWith('.') && walk(dirParts, splitPath(specifier.text)) === 'above') report(specifier);
    }
    if (!consumed.has(node) && (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isBinaryExpression(node) || ts.isTemplateExpression(node))) {
      if (place(node as ts.Expression) === 'above') report(node);
    }
    if (ts.isTemplateExpression(node) && !consumed.has(node) && hasDotDot(node.head.text) && walk([], splitPath(node.head.text)) === 'above') report(node);
    if (ts.isStringLiteralLike(node) && !consumed.has(node) && !isCompared(node) && hasDotDot(node.text)) {
      if (walk([], splitPath(node.text.replace(/^\/+/, ''))) === 'above') report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...escapes.values()].sort((a, b) => a.line - b.line);
}
