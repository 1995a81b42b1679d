/**
 * Finds and ends the processes a test run left behind (a daemon a test started and did not stop,
 * a grandchild of a killed `npm run`): they hold the pipes of jest's workers open, and jest then
 * waits for them instead of exiting.
 *
 * A process is the run's when it carries the run's marker in its environment (set by the global
 * setup, inherited by the workers and everything they start with the usual `...process.env`), or
 * when it is an orphan (parent 1) in jest's process group that started after jest did (a child
 * given an environment of its own, whose worker is gone). jest itself, the processes it descends
 * from, its workers and anything carrying another run's marker are spared.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const MARKER = 'SUNDAY_TEST_RUN';

/** /proc/<pid>/stat → the fields we need; the command name may hold spaces and parentheses. */
export function parseStat(text) {
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return { pid: Number(text.slice(0, text.indexOf(' '))), ppid: Number(fields[1]), pgrp: Number(fields[2]), start: Number(fields[19]) };
}

/**
 * Pure choice of the processes to end.
 * @param {{pid:number, ppid:number, pgrp:number, start:number, marked:boolean, otherRun:boolean, command:string}[]} table
 * @param {{self:number, marker?:string}} run
 */
export function leftovers(table, run) {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const me = byPid.get(run.self);
  if (!me) return [];
  const ancestors = new Set();
  for (let p = me; p && !ancestors.has(p.pid); p = byPid.get(p.ppid)) ancestors.add(p.pid);
  return table.filter((p) => {
    if (ancestors.has(p.pid) || p.command.includes('jest-worker')) return false;
    if (p.marked) return true;
    return !p.otherRun && p.ppid === 1 && p.pgrp === me.pgrp && p.start >= me.start;
  });
}

function readProcess(pid, marker) {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    let environ = '';
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      // another user's process: not ours to read, nor to end
    }
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    const runs = environ.split('\0').filter((entry) => entry.startsWith(`${MARKER}=`));
    const marked = marker !== undefined && runs.includes(`${MARKER}=${marker}`);
    return { ...stat, marked, otherRun: runs.length > 0 && !marked, command };
  } catch {
    return undefined; // gone meanwhile, or no /proc
  }
}

export function processTable(marker) {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return pids.map((pid) => readProcess(pid, marker)).filter(Boolean);
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM, then SIGKILL for those still there after `graceMs`. Returns what was ended. */
export async function endLeftovers(marker, graceMs = 2000) {
  const found = leftovers(processTable(marker), { self: process.pid, marker });
  for (const p of found) {
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + graceMs;
  while (found.some((p) => alive(p.pid)) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  for (const p of found.filter((p) => alive(p.pid))) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return found;
}
