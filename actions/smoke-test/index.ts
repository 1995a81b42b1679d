import { runMain } from '../lib/action.js';
import { readRequired } from '../lib/inputs.js';
await runMain(async () => {
  readRequired('url');
});
