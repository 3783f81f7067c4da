// Shared between global setup and teardown, which jest runs in the same process.
export const harnessState: { stopDynamoDb?: () => Promise<void>; scratch?: string } = ((
  globalThis as { __koodriveHarness?: object }
).__koodriveHarness ??= {});
