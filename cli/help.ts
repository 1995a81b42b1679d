/** `--help` texts, built from the actions' action.yml files: they are the contract. */
import type { ActionMetadata } from '../runner/index.js';
import { OPTIONS } from './args.js';
import { displayWidth, padEnd, type Style } from './text.js';

const USAGE = 'sunday-actions <action> [--<input> <value>]… [--input-file inputs.yml]… [options]';

function columns(rows: Array<[string, string]>, style: Style): string[] {
  const width = Math.max(...rows.map(([left]) => displayWidth(left)));
  return rows.map(([left, right]) => `  ${padEnd(style.bold(left), width)}  ${right}`);
}

function optionLines(style: Style): string[] {
  return columns(
    Object.entries(OPTIONS).map(([name, description]) => [`--${name} <value>`, description]),
    style,
  );
}

export function mainHelp(actions: ActionMetadata[], names: string[], style: Style): string {
  return [
    'Runs an action of sunday/actions here, as GitHub\'s runner would run it: the committed bundle, the',
    'defaults of its action.yml, the step\'s GITHUB_* files. Prints the log, the outputs and the job',
    'summary, and exits with the action\'s exit code.',
    '',
    `Usage: ${USAGE}`,
    '       sunday-actions <action> --help     inputs and outputs of an action',
    '',
    'Actions:',
    ...columns(actions.map((action, i) => [names[i], action.description ?? ''] as [string, string]), style),
    '',
    'Inputs are also read from INPUT_<NAME> variables (INPUT_WEBHOOK_URL for webhook-url);',
    'flags win over input files, input files over variables. Repeat a flag for a multi-line value.',
    '',
    'Options:',
    ...optionLines(style),
    '',
    'Exit code: the action\'s; 2 for a usage error. See docs/local-command.md.',
  ].join('\n');
}

export function actionHelp(name: string, action: ActionMetadata, style: Style): string {
  const inputs = Object.entries(action.inputs).map(([input, spec]): [string, string] => {
    const notes = [spec.required ? 'required' : '', spec.default !== undefined && spec.default !== '' ? `default: ${JSON.stringify(spec.default)}` : '']
      .filter(Boolean)
      .join(', ');
    return [`--${input}`, `${spec.description ?? ''}${notes ? ` (${notes})` : ''}`.trim()];
  });
  const outputs = Object.entries(action.outputs).map(([output, spec]): [string, string] => [output, spec?.description ?? '']);
  return [
    `${action.name}: ${action.description ?? ''}`.trim(),
    '',
    `Usage: sunday-actions ${name} [--<input> <value>]… [options]`,
    '',
    'Inputs:',
    ...(inputs.length ? columns(inputs, style) : ['  (none)']),
    '',
    'Outputs:',
    ...(outputs.length ? columns(outputs, style) : ['  (none)']),
    '',
    'Options:',
    ...optionLines(style),
  ].join('\n');
}
