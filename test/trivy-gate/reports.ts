/** Small Trivy JSON reports built for the edge cases, in the shape Trivy writes (SchemaVersion 2). */
export interface VulnSpec {
  id: string;
  pkg: string;
  severity: string;
  fixed?: string;
  installed?: string;
  path?: string;
  purl?: string;
}

export function vulnerability({ id, pkg, severity, fixed, installed = '1.0.0', path, purl }: VulnSpec) {
  return {
    VulnerabilityID: id,
    PkgName: pkg,
    ...(path ? { PkgPath: path } : {}),
    ...(purl ? { PkgIdentifier: { PURL: purl } } : {}),
    InstalledVersion: installed,
    ...(fixed ? { FixedVersion: fixed, Status: 'fixed' } : { Status: 'affected' }),
    Severity: severity,
    PrimaryURL: `https://avd.aquasec.com/nvd/${id.toLowerCase()}`,
    Title: `${id} in ${pkg}`,
  };
}

export function misconfiguration(id: string, severity: string, status: 'FAIL' | 'PASS', line?: number, message = `${id} failed`) {
  return {
    Type: 'Dockerfile Security Check',
    ID: id,
    AVDID: `AVD-${id}`,
    Title: `Check ${id}`,
    Message: message,
    Severity: severity,
    Status: status,
    PrimaryURL: `https://avd.aquasec.com/misconfig/${id.toLowerCase()}`,
    CauseMetadata: line ? { StartLine: line, EndLine: line } : {},
  };
}

export function secret(ruleId: string, severity: string, line: number) {
  return { RuleID: ruleId, Category: 'AWS', Severity: severity, Title: `Secret ${ruleId}`, StartLine: line, EndLine: line, Match: '****' };
}

export interface ResultSpec {
  target: string;
  vulnerabilities?: object[];
  misconfigurations?: object[];
  secrets?: object[];
}

export function report(...results: ResultSpec[]) {
  return {
    SchemaVersion: 2,
    ArtifactName: 'example/app:1.0',
    ArtifactType: 'container_image',
    Results: results.map(({ target, vulnerabilities, misconfigurations, secrets }) => ({
      Target: target,
      Class: 'os-pkgs',
      ...(vulnerabilities ? { Vulnerabilities: vulnerabilities } : {}),
      ...(misconfigurations ? { Misconfigurations: misconfigurations } : {}),
      ...(secrets ? { Secrets: secrets } : {}),
    })),
  };
}
