// The part of osls's resource naming that infra/edge.cjs uses (osls ships no types).
declare module 'serverless/lib/plugins/aws/lib/naming' {
  const naming: {
    getHttpApiRouteLogicalId(routeKey: string): string;
    getHttpApiStageLogicalId(): string;
    getDeploymentBucketLogicalId(): string;
    getDeploymentBucketPolicyLogicalId(): string;
  };
  export = naming;
}
