/** Runs one golden case through the committed bundle and returns what is compared, as files' bytes. */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { runStep } from '../harness.js';
import { caseWorkspace, WORKSPACE_MARK, type GoldenCase } from './golden-cases.js';

export interface GoldenFiles {
  /** step.json: exit code and outputs (workspace path replaced). */
  step: string;
  /** summary.md: the job summary as written. */
  summary: string;
  /** results.sarif: the SARIF file's bytes, when the case writes one. */
  sarif?: string;
}

export async function runGoldenCase(golden: GoldenCase): Promise<GoldenFiles> {
  const workspace = caseWorkspace(golden);
  try {
    const result = await runStep('trivy-gate', { inputs: golden.inputs, workspace });
    if (result.stderr) throw new Error(`${golden.name}: the step wrote to stderr:\n${result.stderr}`);
    const outputs = Object.fromEntries(Object.entries(result.outputs).map(([name, value]) => [name, value.split(workspace).join(WORKSPACE_MARK)]));
    const sarifPath = result.outputs.sarif;
    return {
      step: `${JSON.stringify({ exitCode: result.exitCode, outputs }, null, 2)}\n`,
      summary: result.summary,
      sarif: sarifPath && existsSync(sarifPath) ? readFileSync(sarifPath, 'utf8') : undefined,
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
