/**
 * One temporary folder per jest run, made in globalSetup and set as TMPDIR, so that every folder a
 * test, a local server or the runner makes with os.tmpdir() lies under it; globalTeardown removes
 * it. Tests still clean up after themselves: this is the backstop that leaves nothing in /tmp (a
 * kubeconfig with a bearer token, a registry password) when a test fails half-way.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PREFIX = 'sunday-tests-';

export function setup() {
  if (process.env.SUNDAY_TESTS_TMPDIR) return;
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  // Others may pass through it (a test runs a program as `nobody` on a folder inside) but not list
  // it; each folder made inside is mkdtemp's 0700 unless a test opens it on purpose.
  chmodSync(dir, 0o711);
  process.env.SUNDAY_TESTS_TMPDIR = dir;
  process.env.TMPDIR = dir; // read by os.tmpdir() in this process and in every worker it starts
}

export function teardown() {
  const dir = process.env.SUNDAY_TESTS_TMPDIR;
  if (dir && dir.includes(PREFIX)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
