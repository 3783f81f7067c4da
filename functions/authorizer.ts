// API Gateway (HTTP API) Lambda REQUEST authorizer: lets a request through when its Authorization
// header holds a live access token (`AT <jws>`, `Bearer <jws>` or the bare JWS), and hands the
// user and session ids to the integration.
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { warmContainer, type DepsProvider } from '../lib/container';
import { ApiError } from '../lib/errors';
import { logger } from '../lib/logger';
import { localVerifier } from '../lib/tokens/local-verifier';

export interface AuthorizerResult {
  isAuthorized: boolean;
  context?: { userId: string; sessionId: string };
}

export const createHandler = (deps: DepsProvider) =>
  async function authorize(event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> {
    const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    try {
      const { verifyAccessToken, now } = await deps();
      const token = await verifyAccessToken(header, { now: now() });
      return { isAuthorized: true, context: { userId: token.userId, sessionId: token.sessionId } };
    } catch (error) {
      // Only a refused token is a "no"; storage trouble must surface as an error, not a 403.
      if (!(error instanceof ApiError)) throw error;
      logger.info('access token refused');
      return { isAuthorized: false };
    }
  };

export const handler = createHandler(warmContainer({ keys: 'verifying', verifier: localVerifier }));
