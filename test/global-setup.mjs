export { setup as default } from './temp-folder.mjs';
