/**
 * A workflow file as our own checks see it: the parsed YAML plus the source positions needed to
 * point a finding at a line, and the few walks every check needs (jobs, steps, run scripts).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';

export interface Finding {
  file: string;
  line: number;
  rule: string;
  message: string;
}

export type Mapping = Record<string, unknown>;

export interface JobEntry {
  id: string;
  job: Mapping;
}

export interface StepEntry {
  jobId: string;
  index: number;
  step: Mapping;
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Workflow {
  readonly data: Mapping;
  private readonly document: Document;
  private readonly lines = new LineCounter();

  /** `file` is the name findings carry (relative to the repository for real files). */
  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.document = parseDocument(text, { lineCounter: this.lines });
    if (this.document.errors.length) throw new Error(`${file}: ${this.document.errors[0].message}`);
    const data = this.document.toJS({ maxAliasCount: -1 }) as unknown;
    if (!isMapping(data)) throw new Error(`${file}: a workflow is a mapping`);
    this.data = data;
  }

  static load(path: string, root: string): Workflow {
    return new Workflow(relative(root, path), readFileSync(path, 'utf8'));
  }

  /** A copy with `search` replaced, for deliberately broken variants; `search` must occur. */
  withReplaced(search: string, replacement: string, file = `broken/${this.file}`): Workflow {
    if (!this.text.includes(search)) throw new Error(`${this.file} does not contain ${JSON.stringify(search)}`);
    return new Workflow(file, this.text.replace(search, replacement));
  }

  /** Line (1-based) where the value at `path` starts; the parent's line when absent. */
  lineOf(path: Array<string | number>): number {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }

  /** Text after the value at `path` up to the end of its line, e.g. a `# v4.2.2` comment. */
  restOfLine(path: Array<string | number>): string {
    const node = this.document.getIn(path, true);
    if (!isNode(node) || !node.range) return '';
    const end = this.text.indexOf('\n', node.range[1]);
    return this.text.slice(node.range[1], end === -1 ? undefined : end);
  }

  get isReusable(): boolean {
    const on = this.data.on;
    if (typeof on === 'string') return on === 'workflow_call';
    if (Array.isArray(on)) return on.includes('workflow_call');
    return isMapping(on) && 'workflow_call' in on;
  }

  /** Event names of `on`, whichever of its three forms is used. */
  get events(): string[] {
    const on = this.data.on;
    if (typeof on === 'string') return [on];
    if (Array.isArray(on)) return on.map(String);
    return isMapping(on) ? Object.keys(on) : [];
  }

  jobs(): JobEntry[] {
    const jobs = this.data.jobs;
    if (!isMapping(jobs)) return [];
    return Object.entries(jobs).flatMap(([id, job]) => (isMapping(job) ? [{ id, job }] : []));
  }

  steps(): StepEntry[] {
    return this.jobs().flatMap(({ id, job }) =>
      (Array.isArray(job.steps) ? job.steps : []).flatMap((step, index) => (isMapping(step) ? [{ jobId: id, index, step }] : [])),
    );
  }

  stepPath({ jobId, index }: StepEntry, key?: string): Array<string | number> {
    return key === undefined ? ['jobs', jobId, 'steps', index] : ['jobs', jobId, 'steps', index, key];
  }

  /** The shell a `run:` step uses: its own, the job's default, the workflow's, else bash. */
  shellOf({ jobId, step }: StepEntry): string {
    const job = this.jobs().find((entry) => entry.id === jobId)?.job ?? {};
    const defaultShell = (scope: unknown): unknown =>
      isMapping(scope) && isMapping(scope.defaults) && isMapping(scope.defaults.run) ? scope.defaults.run.shell : undefined;
    return String(step.shell ?? defaultShell(job) ?? defaultShell(this.data) ?? 'bash');
  }

  finding(path: Array<string | number>, rule: string, message: string): Finding {
    return { file: this.file, line: this.lineOf(path), rule, message };
  }
}

/** Every `${{ … }}` in a string, as the expression inside. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => match[1].trim());
}

/** Every string anywhere inside a YAML value. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isMapping(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `${f.file}:${f.line} [${f.rule}] ${f.message}`).join('\n');
}
