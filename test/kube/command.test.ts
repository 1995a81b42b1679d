/** The emulator's standalone command as a user runs it: through npm, ready line, serving, gone after SIGTERM. Emulator only: its subject is `npm run kube-emulator`. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../harness.js';

test('npm run kube-emulator writes the kubeconfig, prints `ready <url>`, serves, and stops on SIGTERM', async () => {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kube-command-')), 'config');
  const child = spawn('npm', ['run', '--silent', 'kube-emulator', '--', '--kubeconfig', kubeconfig], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line: ${lines.join('\n')}`)), 20_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      const ready = line.match(/^ready (http\S+)$/);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
  });
  expect(lines).toEqual([`ready ${url}`]);
  expect(readFileSync(kubeconfig, 'utf8')).toContain(`server: ${url}`);
  expect((await fetch(`${url}/version`)).status).toBe(200);
  child.kill('SIGTERM');
  expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
  await expect(fetch(`${url}/version`)).rejects.toThrow();
});
