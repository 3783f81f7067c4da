// The service's paths, from its one route table (infra/routes.cjs, generated from the endpoint
// modules, which serverless.yml declares the functions from): the client never spells a path itself.
import { routes, type RouteName } from '../infra/routes.cjs';

export type { RouteName };
export { routes };
