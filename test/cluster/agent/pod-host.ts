/**
 * The pod host: one Node process started inside the pod network's namespace (`ip netns exec`),
 * because Node cannot bind an address of another namespace. It runs the pod servers of
 * test/servers/kube/pods.ts, each on its pod's address and container ports, and is driven by the
 * node agent over stdio, one JSON object a line:
 *
 *   → {"id":1,"op":"start","uid":"…","name":"web-1","image":"registry/web:v2","host":"10.213.0.10","ports":[8080]}
 *   ← {"id":1,"ok":true,"port":8080}
 *   → {"id":2,"op":"stop","uid":"…"}                  → {"id":3,"op":"mode","substring":"web:v3","mode":"slow"}
 *   ← {"id":2,"ok":true}                             ← {"id":3,"ok":false,"error":"…"} on failure
 *
 * It writes `{"ready":true}` once it reads commands, and exits when its stdin closes (the agent
 * stopped or died), so it never outlives the agent.
 */
import { createInterface } from 'node:readline';
import { ImageModes, PodRuntime } from '../../servers/kube/pods.js';
import type { ImageMode } from '../../servers/kube/types.js';

export type PodHostCommand =
  | { id: number; op: 'start'; uid: string; name: string; image: string; host: string; ports: number[] }
  | { id: number; op: 'stop'; uid: string }
  | { id: number; op: 'mode'; substring: string; mode: ImageMode };

export type PodHostReply = { id: number; ok: true; port?: number } | { id: number; ok: false; error: string };

const slowMs = Number(process.env.POD_HOST_SLOW_MS ?? 300);
const modes = new ImageModes();
const runtime = new PodRuntime((image) => modes.of(image), slowMs);

function reply(message: PodHostReply | { ready: true }): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function handle(command: PodHostCommand): Promise<PodHostReply> {
  switch (command.op) {
    case 'start':
      return { id: command.id, ok: true, port: await runtime.start(command.uid, command.name, command.image, { host: command.host, ports: command.ports }) };
    case 'stop':
      runtime.stop(command.uid, 0); // deletion: stop serving at once
      return { id: command.id, ok: true };
    case 'mode':
      modes.set(command.substring, command.mode);
      return { id: command.id, ok: true };
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let command: PodHostCommand;
  try {
    command = JSON.parse(line) as PodHostCommand;
  } catch {
    process.stderr.write(`pod host: not JSON: ${line}\n`);
    return;
  }
  handle(command).then(reply, (error: Error) => reply({ id: command.id, ok: false, error: error.message }));
});
lines.on('close', () => {
  runtime.stopAll();
  process.exit(0);
});
reply({ ready: true });
