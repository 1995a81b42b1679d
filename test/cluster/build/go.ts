/** The environment every go command of the cluster build runs with. */
export function goEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // GOTOOLCHAIN=local: never download another toolchain; the machine's Go (>= 1.26) builds it.
  // GOFLAGS=-mod=mod is not used: go.sum is committed and must already hold every checksum.
  return { ...env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' };
}
