// The service's paths, from its one route table (infra/routes.cjs, which serverless.yml declares
// the functions from): the client never spells a path itself.
import { routes } from '../infra/routes.cjs';

export type RouteName = keyof typeof routes;
export { routes };
