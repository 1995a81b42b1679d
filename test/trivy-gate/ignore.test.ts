/** Trivy's two ignore-file formats, their matching and expiry, and package URLs. */
import { applyIgnoreRules, expiryWarnings, IgnoreFileError, parseIgnoreFile, type IgnoreRule } from '../../actions/trivy-gate/ignore.js';
import { parsePurl, purlMatches } from '../../actions/trivy-gate/purl.js';
import { parseReport } from '../../actions/trivy-gate/report.js';
import { misconfiguration, report, secret, vulnerability } from './reports.js';

const NOW = new Date('2026-03-01T12:00:00Z');

const findings = parseReport(
  JSON.stringify(
    report(
      {
        target: 'app/package-lock.json',
        vulnerabilities: [
          vulnerability({ id: 'CVE-1', pkg: 'lodash', severity: 'HIGH', fixed: '4.17.21', purl: 'pkg:npm/lodash@4.17.15' }),
          vulnerability({ id: 'CVE-1', pkg: 'lodash', severity: 'HIGH', fixed: '4.17.21', path: 'vendor/lodash/package.json', purl: 'pkg:npm/lodash@4.17.10' }),
          vulnerability({ id: 'CVE-2', pkg: 'minimist', severity: 'LOW', fixed: '1.2.6' }),
        ],
      },
      { target: 'docs/Dockerfile', misconfigurations: [misconfiguration('DS-0002', 'HIGH', 'FAIL', 1)] },
      { target: 'app/Dockerfile', misconfigurations: [misconfiguration('DS-0002', 'HIGH', 'FAIL', 1)] },
      { target: 'tests/fixtures/.env', secrets: [secret('aws-access-key-id', 'CRITICAL', 2)] },
      { target: 'deploy.sh', secrets: [secret('aws-access-key-id', 'CRITICAL', 3)] },
    ),
  ),
);

async function ignoredBy(fileName: string, text: string, now = NOW): Promise<string[]> {
  const { rules } = await parseIgnoreFile(text, fileName);
  return applyIgnoreRules(findings, rules, now).ignored.map(({ finding }) => `${finding.id}@${finding.pkgPath ?? finding.target}`);
}

describe('.trivyignore (plain)', () => {
  test('one ID per line, comments and blank lines skipped, an ID covers every kind of finding', async () => {
    const text = '# accepted risks\n\nCVE-2 # dev dependency\n  aws-access-key-id\nDS-0002\n';
    expect(await ignoredBy('.trivyignore', text)).toEqual(['CVE-2@app/package-lock.json', 'DS-0002@docs/Dockerfile', 'DS-0002@app/Dockerfile', 'aws-access-key-id@tests/fixtures/.env', 'aws-access-key-id@deploy.sh']);
  });

  test('a misconfiguration is matched by its AVD ID too', async () => {
    expect(await ignoredBy('.trivyignore', 'AVD-DS-0002\n')).toHaveLength(2);
  });

  test('exp: the rule ignores until midnight UTC of that date, then no longer', async () => {
    expect(await ignoredBy('.trivyignore', 'CVE-2 exp:2026-03-02')).toHaveLength(1);
    expect(await ignoredBy('.trivyignore', 'CVE-2 exp:2026-03-01')).toHaveLength(0);
    expect(await ignoredBy('.trivyignore', 'CVE-2 exp:2026-03-01', new Date('2026-02-28T23:59:59Z'))).toHaveLength(1);
  });

  test('an expiry that is not a date skips the rule with a warning (the finding still counts), as Trivy does', async () => {
    const parsed = await parseIgnoreFile('CVE-2 exp:2026-02-30\nCVE-1 exp:soon\n', '.trivyignore');
    expect(parsed.rules).toEqual([]);
    expect(parsed.warnings).toEqual([
      ".trivyignore:1: 'exp:2026-02-30' is not a date (exp:YYYY-MM-DD); the rule for CVE-2 is skipped",
      ".trivyignore:2: 'exp:soon' is not a date (exp:YYYY-MM-DD); the rule for CVE-1 is skipped",
    ]);
  });
});

describe('.trivyignore.yaml', () => {
  test('sections apply to their kind only', async () => {
    const text = 'vulnerabilities:\n  - id: DS-0002\nmisconfigurations:\n  - id: CVE-2\nsecrets:\n  - id: aws-access-key-id\n';
    expect(await ignoredBy('.trivyignore.yaml', text)).toEqual(['aws-access-key-id@tests/fixtures/.env', 'aws-access-key-id@deploy.sh']);
  });

  test('paths are globs over the target, or for a vulnerability its package path', async () => {
    const text = [
      'vulnerabilities:',
      '  - id: CVE-1',
      '    paths: ["vendor/**"]',
      'misconfigurations:',
      '  - id: DS-0002',
      '    paths: ["docs/Dockerfile"]',
      'secrets:',
      '  - id: aws-access-key-id',
      '    paths: ["tests/**"]',
    ].join('\n');
    expect(await ignoredBy('trivyignore.yml', text)).toEqual(['CVE-1@vendor/lodash/package.json', 'DS-0002@docs/Dockerfile', 'aws-access-key-id@tests/fixtures/.env']);
    expect(await ignoredBy('.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-1\n    paths: ["app/*.json"]\n')).toHaveLength(2);
  });

  test('purls: type/namespace/name must match, the version only when the rule gives one', async () => {
    expect(await ignoredBy('.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-1\n    purls: ["pkg:npm/lodash"]\n')).toHaveLength(2);
    expect(await ignoredBy('.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-1\n    purls: ["pkg:npm/lodash@4.17.10"]\n')).toEqual(['CVE-1@vendor/lodash/package.json']);
    // A rule narrowed to packages never matches a finding that has no PURL.
    expect(await ignoredBy('.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-2\n    purls: ["pkg:npm/minimist"]\n')).toEqual([]);
  });

  test('expired_at as a date or a timestamp; an expired rule no longer ignores', async () => {
    expect(await ignoredBy('.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-2\n    expired_at: 2026-03-02\n')).toHaveLength(1);
    expect(await ignoredBy('.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-2\n    expired_at: 2026-03-01\n')).toHaveLength(0);
    expect(await ignoredBy('.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-2\n    expired_at: "2026-03-01T13:00:00Z"\n')).toHaveLength(1);
  });

  test('a rule without id, narrowed by paths (newer Trivy), ignores every ID there', async () => {
    expect(await ignoredBy('.trivyignore.yaml', 'secrets:\n  - paths: ["tests/**"]\n    statement: synthetic secrets\n')).toEqual(['aws-access-key-id@tests/fixtures/.env']);
  });

  test('an empty file and a licenses section ignore nothing', async () => {
    expect(await ignoredBy('.trivyignore.yaml', '')).toEqual([]);
    expect(await ignoredBy('.trivyignore.yaml', 'licenses:\n  - id: GPL-3.0\n')).toEqual([]);
  });

  test.each([
    ['not YAML', 'vulnerabilities: [', /is not valid YAML/],
    ['a list at the top', '- CVE-1\n', /must be a mapping/],
    ['a section that is not a list', 'vulnerabilities: CVE-1\n', /vulnerabilities must be a list/],
    ['a rule that would ignore everything', 'secrets:\n  - statement: all of them\n', /secrets\[0\]\): a rule needs an id, paths or purls/],
    ['a bad date', 'vulnerabilities:\n  - id: CVE-1\n    expired_at: next week\n', /expired_at must be a date/],
    ['a bad purl', 'vulnerabilities:\n  - id: CVE-1\n    purls: ["lodash"]\n', /'lodash' is not a package URL/],
    ['paths not a list', 'vulnerabilities:\n  - id: CVE-1\n    paths: vendor\n', /paths must be a list of strings/],
  ])('invalid: %s', async (_name, text, message) => {
    await expect(parseIgnoreFile(text, '.trivyignore.yaml')).rejects.toThrow(IgnoreFileError);
    await expect(parseIgnoreFile(text, '.trivyignore.yaml')).rejects.toThrow(message);
  });
});

describe('expiry warnings', () => {
  const rule = (id: string, expiresAt?: string): IgnoreRule => ({ id, kinds: ['vulnerability'], paths: [], purls: [], expiresAt: expiresAt ? new Date(expiresAt) : undefined, source: `.trivyignore:${id}` });

  test('within the window warns, beyond it and without expiry does not, expired says it no longer ignores', () => {
    const rules = [rule('CVE-SOON', '2026-03-15'), rule('CVE-LATER', '2026-03-16'), rule('CVE-NEVER'), rule('CVE-GONE', '2026-02-01')];
    expect(expiryWarnings(rules, NOW, 14)).toEqual([
      'Ignore rule CVE-SOON (.trivyignore:CVE-SOON) expires on 2026-03-15, within 14 days',
      'Ignore rule CVE-GONE (.trivyignore:CVE-GONE) expired on 2026-02-01: it no longer ignores anything',
    ]);
    expect(expiryWarnings(rules, NOW, 0)).toHaveLength(1);
  });
});

describe('package URLs', () => {
  test('parse', () => {
    expect(parsePurl('pkg:apk/alpine/libcrypto1.1@1.1.1b-r1?arch=x86_64&distro=3.9.4')).toEqual({
      type: 'apk',
      namespace: 'alpine',
      name: 'libcrypto1.1',
      version: '1.1.1b-r1',
      qualifiers: new Map([
        ['arch', 'x86_64'],
        ['distro', '3.9.4'],
      ]),
      subpath: '',
    });
    expect(parsePurl('pkg:maven/org.springframework/spring-beans@5.3.15')?.namespace).toBe('org.springframework');
    expect(parsePurl('pkg:npm/%40babel/core@7.0.0')).toMatchObject({ namespace: '@babel', name: 'core' });
    expect(parsePurl('pkg:golang/github.com/docker/distribution@v2.7.1%2Bincompatible')).toMatchObject({ namespace: 'github.com/docker', name: 'distribution', version: 'v2.7.1+incompatible' });
    expect(parsePurl('lodash')).toBeUndefined();
    expect(parsePurl('pkg:npm/%zz')).toBeUndefined();
  });

  test('match: qualifiers of the rule must be on the package', () => {
    const pkg = parsePurl('pkg:deb/debian/openssl@1.1.0k?arch=amd64&distro=debian-9')!;
    expect(purlMatches(parsePurl('pkg:deb/debian/openssl')!, pkg)).toBe(true);
    expect(purlMatches(parsePurl('pkg:deb/debian/openssl?arch=amd64')!, pkg)).toBe(true);
    expect(purlMatches(parsePurl('pkg:deb/debian/openssl?arch=arm64')!, pkg)).toBe(false);
    expect(purlMatches(parsePurl('pkg:deb/ubuntu/openssl')!, pkg)).toBe(false);
    expect(purlMatches(parsePurl('pkg:deb/debian/openssl@1.1.1')!, pkg)).toBe(false);
  });
});
