import type { TestStack } from '../kit/stack';

// Shared between global setup and teardown, which jest runs in the same process but may load as
// separate module instances.
export const harnessState: { stack?: TestStack } = ((globalThis as { __koodriveHarness?: object }).__koodriveHarness ??= {});
