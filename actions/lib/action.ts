/**
 * The frame every action's main runs in. Failures end the step with one `::error::` line and
 * exit code 1 — no stack trace. This module deliberately does not import @actions/core: an input
 * error must be reported without paying for loading it (see bench/startup).
 */
import { redactUrls } from './secret-names.js';

/** Escapes a workflow-command message exactly as @actions/core does. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  // A URL's password or token never reaches the log, even from an error that quotes the URL.
  process.stdout.write(`::error::${escapeData(redactUrls(message))}\n`);
  process.exitCode = 1;
}

/** Runs an action's main and turns any failure into one error line and exit code 1. */
export async function runMain(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    reportError(error);
  }
}

