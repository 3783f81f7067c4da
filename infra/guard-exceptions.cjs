// @ts-check
// The AWS Control Tower proactive rules (cfn-guard) the prod template does not meet, on purpose.
// tests/template.test.ts runs every rule of @cdklabs/cdk-validator-cfnguard over the packaged prod
// template and fails on any other failure, and on an exception here that is no longer needed. Each
// names the resources it covers (a prefix ends in *) and why (docs/adr/0012).
'use strict';

/** @typedef {{ resources: readonly string[], why: string }} GuardException */

/** @type {Readonly<Record<string, GuardException>>} */
const guardExceptions = Object.freeze({
  // CT.APIGATEWAY.PR.5
  api_gw_v2_authorization_type_configured_check: {
    resources: ['HttpApiRoute*'],
    why: 'The API is public by nature: sign-up and login come before any token, the JWKS is for anyone; refresh and logout check the token in the function (docs/adr/0003).',
  },
  // CT.CLOUDWATCH.PR.2
  cloudwatch_log_group_retention_period_check: {
    resources: ['*LogGroup'],
    why: 'The rule wants a year or more; prod keeps 90 days (infra/stages.cjs): the logs hold masked phones and source IPs, kept no longer than an incident needs.',
  },
  // CT.CLOUDWATCH.PR.3
  cloudwatch_log_group_encrypted_check: {
    resources: ['*LogGroup'],
    why: 'CloudWatch Logs encrypts every group at rest already; a customer-managed key adds a key policy to run and pay for, for logs that hold no secret (the tests scan every line).',
  },
  // CT.DYNAMODB.PR.1
  dynamodb_table_pitr_enabled_check: {
    resources: ['VerificationsTable', 'RateLimitsTable'],
    why: 'Codes, captcha tokens and counters live minutes to an hour: a restore would bring back only expired items. Users and sessions have it.',
  },
  // CT.LAMBDA.PR.2
  lambda_function_public_access_prohibited_check: {
    resources: ['*PermissionHttpApi'],
    why: "API Gateway alone may invoke, with a SourceArn of this API's ARN; serverless writes it with Fn::Join, which the rule does not read as a reference.",
  },
  // CT.LAMBDA.PR.3
  lambda_inside_vpc_check: {
    resources: ['*LambdaFunction'],
    why: 'The functions reach only AWS endpoints (DynamoDB, SSM, SNS) and no private network; a VPC would add NAT or endpoint costs and nothing to protect.',
  },
  // CT.S3.PR.10
  s3_bucket_default_encryption_kms_check: {
    resources: ['ServerlessDeploymentBucket'],
    why: 'The deployment bucket holds the code bundles and templates, no secret (the keys are SSM parameters): S3-managed encryption suffices.',
  },
  // CT.S3.PR.2
  s3_bucket_logging_enabled_check: {
    resources: ['ServerlessDeploymentBucket'],
    why: 'Only deploys write to it and CloudFormation reads it; CloudTrail records those calls. Access logs would need a bucket of their own.',
  },
  // CT.S3.PR.4
  s3_event_notifications_enabled_check: {
    resources: ['ServerlessDeploymentBucket'],
    why: 'Nothing acts on a new artifact but the deploy that wrote it.',
  },
  // CT.S3.PR.9
  s3_bucket_object_lock_enabled_check: {
    resources: ['ServerlessDeploymentBucket'],
    why: 'serverless deletes old artifacts after each deploy; versions are kept a month instead (infra/edge.cjs).',
  },
});

module.exports = { guardExceptions };
