/**
 * ECR through GitHub OIDC, with the suite's AWS module: the job's OIDC token → STS
 * AssumeRoleWithWebIdentity → ECR GetAuthorizationToken → the registry it names and `AWS:<password>`.
 * Loads the AWS SDK: imported only when role-to-assume is set. Endpoints are the SDK's own settings
 * (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_ECR).
 */
import { assumeRoleWithOidc } from '../lib/aws/credentials.js';
import { describeTagMutability, getEcrLogin } from '../lib/aws/ecr.js';
import type { AwsInputs } from '../lib/aws/inputs.js';
import type { EcrRegistryLogin } from './build.js';

export async function ecrLogin(aws: AwsInputs): Promise<EcrRegistryLogin> {
  const assumed = await assumeRoleWithOidc({ roleArn: aws.roleArn, region: aws.region, sessionName: aws.sessionName });
  const login = await getEcrLogin({ region: aws.region, credentials: assumed.credentials });
  return {
    registry: login.registry,
    credentials: { username: login.username, password: login.password },
    tagMutability: (repositoryNames) => describeTagMutability({ region: aws.region, credentials: assumed.credentials, repositoryNames }),
  };
}
