// Bundled by esbuild.config.cjs in place of @aws-sdk/credential-provider-node: AWS credentials from
// the environment only, which is where Lambda puts the function role's. The SDK's default chain
// (SSO, STS, web identity, profiles, instance metadata) is never reached in Lambda and is 120 KiB
// of every bundle. Locally, DynamoDB Local gets fixed credentials (lib/store/client.ts).
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
