/** Entry of `sunday-actions` (bin/sunday-actions.js loads it). */
import { main } from './main.js';

// Ctrl-C reaches the action too (same process group): wait for it to stop and report its end;
// a second Ctrl-C quits at once.
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nsunday-actions: waiting for the action to stop (Ctrl-C again to quit)\n');
});

// `sunday-actions … | head` closes our stdout early: that ends the output, not the command with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
