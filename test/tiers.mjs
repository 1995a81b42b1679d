/**
 * The test tiers and their time budgets: a test file belongs to the first tier whose path prefix
 * its path (from the repository root) starts with. The summary reporter prints one line per tier
 * at the end of `npm test`, and README's budget table lists the same tiers. A tier's budget is file
 * time summed over jest's two workers; together the tiers' budgets are twice the warm-caches wall
 * budget (two workers, 25 min).
 *
 * A later tier is one line above the catch-all, e.g.
 *   { prefix: 'test/cluster/', name: 'real control plane', budgetMinutes: 20 },
 *   { prefix: 'test/workflows-run/', name: 'workflow engine', budgetMinutes: 10 },
 */

/** The whole of CI on a fresh machine (npm ci, system packages, tools built, every test). */
export const TOTAL_BUDGET = { freshMinutes: 60, hardLimitMinutes: 90, warmCachesMinutes: 25 };

/** @type {{prefix: string, name: string, budgetMinutes: number, suiteTitle?: RegExp}[]} */
export const TIERS = [
  { prefix: 'test/chaos/', name: 'chaos: deploys SIGKILLed at 23 points each (16 on the real control plane), and the next run', budgetMinutes: 8 },
  {
    prefix: 'test/cluster/',
    name: 'real control plane: kube-apiserver, controller-manager, scheduler, etcd and our node agent (with the cluster halves of the suites run on both targets)',
    budgetMinutes: 12,
    // The suites parametrised over both Kubernetes targets (`describe.each(kubeTargets())`) name
    // the target last in their top describe ("… on the cluster", "… (cluster)"): those tests cost
    // what the real control plane costs, so their time counts here, not in their file's tier.
    suiteTitle: /\bcluster\)?$/,
  },
  { prefix: 'test/workflows-run/', name: 'workflow engine: ci.yml, cd.yml and e2e.yml run by act', budgetMinutes: 16 },
  { prefix: 'test/', name: 'unit, process and integration tests on the emulator and local servers', budgetMinutes: 14 },
];

/** The tier of a test file, by its path relative to the repository root (forward slashes). */
export function tierOf(path) {
  return TIERS.find((tier) => path.startsWith(tier.prefix));
}

/** The tier that claims a test of a catch-all file by its top describe title, if any. */
export function tierOfSuite(title) {
  return TIERS.find((tier) => tier.suiteTitle?.test(title));
}
