/** The agent's side of the pod host (pod-host.ts): starts it inside the pod network and sends it commands. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ImageMode } from '../../servers/kube/types.js';
import type { PodNetwork } from '../network/index.js';
import type { PodHostCommand, PodHostReply } from './pod-host.js';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(import.meta.dirname, 'pod-host.ts');

type Command = PodHostCommand extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

export interface PodHost {
  start(pod: { uid: string; name: string; image: string; host: string; ports: number[] }): Promise<number>;
  stop(uid: string): Promise<void>;
  setMode(substring: string, mode: ImageMode): Promise<void>;
  /** Ends the host (closing its stdin) and waits for it to exit. */
  close(): Promise<void>;
}

export async function startPodHost(network: Pick<PodNetwork, 'execArgs'>, options: { slowMs?: number } = {}): Promise<PodHost> {
  const [program, ...args] = network.execArgs([process.execPath, '--import', 'tsx', SCRIPT]);
  const child: ChildProcess = spawn(program, args, {
    cwd: repoRoot,
    env: { ...process.env, POD_HOST_SLOW_MS: String(options.slowMs ?? 300) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const pending = new Map<number, { resolve: (reply: PodHostReply) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let exited: Error | undefined;
  const exit = new Promise<void>((done) => child.once('exit', () => done()));

  const ready = new Promise<void>((resolveReady, rejectReady) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as PodHostReply | { ready: true };
      if ('ready' in message) return resolveReady();
      pending.get(message.id)?.resolve(message);
      pending.delete(message.id);
    });
    child.once('error', rejectReady);
    child.once('exit', (code, signal) => {
      exited = new Error(`pod host exited (${signal ?? code})`);
      rejectReady(exited);
      for (const waiter of pending.values()) waiter.reject(exited);
      pending.clear();
    });
  });
  await ready;

  const send = (command: Command): Promise<PodHostReply> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    return new Promise((resolveReply, reject) => {
      pending.set(id, { resolve: resolveReply, reject });
      child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    });
  };
  const expectOk = async (command: Command): Promise<PodHostReply & { ok: true }> => {
    const answer = await send(command);
    if (!answer.ok) throw new Error(`pod host: ${command.op} failed: ${answer.error}`);
    return answer;
  };

  return {
    start: async (pod) => (await expectOk({ op: 'start', ...pod })).port!,
    stop: async (uid) => void (await expectOk({ op: 'stop', uid })),
    setMode: async (substring, mode) => void (await expectOk({ op: 'mode', substring, mode })),
    close: async () => {
      child.stdin!.end();
      await exit;
    },
  };
}
