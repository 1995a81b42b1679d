/**
 * Entry that tests bundle with ncc into a temporary folder and run with Node: GitHub's own
 * workflow parser (@actions/workflow-parser) cannot be imported unbundled (its JSON schema import
 * fails under plain Node), so it only ever runs from a bundle, and never from dist/.
 *
 * stdin:  {"files": [{"name", "content"}], "reusable": {"owner/repo/path@ref": "content"}}
 * stdout: [{"name", "errors": ["<file> (Line: l, Col: c): message", ...]}]
 *
 * Calls of reusable workflows are resolved through `reusable` (one level deep), so the parser
 * checks their `with:` and `secrets:` against the callee's `on.workflow_call` declarations.
 */
import { Buffer } from 'node:buffer';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { files, reusable = {} } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const fileProvider = {
  async getFileContent(ref) {
    const id = 'repository' in ref ? `${ref.owner}/${ref.repository}/${ref.path}@${ref.version}` : `./${ref.path}`;
    const content = reusable[id];
    if (content === undefined) throw new Error(`no local copy of ${id}`);
    return { name: id, content };
  },
};

const results = [];
for (const file of files) {
  const parsed = parseWorkflow(file, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value && errors.length === 0) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value, fileProvider, {
      fetchReusableWorkflowDepth: 1,
    });
    errors.push(...(template.errors ?? []).map((error) => error.Message));
  }
  results.push({ name: file.name, errors });
}
process.stdout.write(JSON.stringify(results));
