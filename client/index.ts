// The typed client of the KooDrive sign-up API: what an app imports. No runtime dependencies; it
// runs on any WHATWG fetch (Node >= 20, browsers, React Native).
export { createClient, type ClientOptions, type KooDriveClient } from './client';
export { ErrorCode, KooDriveError, KooDriveTransportError, type ErrorKind } from './errors';
export { Session, type SessionOptions, type SessionState } from './session';
export type { RouteName } from './routes';
export type * from './types';
