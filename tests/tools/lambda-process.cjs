// Runs a function bundle in a fresh process, the way Lambda would: requires it, calls its handler
// with each event of a JSON file in turn, prints one `RESULTS <json array>` line and exits once
// what the function sends in the background (X-Ray segments over UDP) has had time to leave.
// Plain `node`, nothing loaded but the bundle and what the runtime hands it (tests/kit/lambda-context.cjs).
//
//   node tests/tools/lambda-process.cjs <bundle.js> <events.json>
'use strict';

const { readFileSync } = require('node:fs');
const { lambdaContext } = require('../kit/lambda-context.cjs');

// Keep-alive sockets of the bundle's HTTP agents would hold the process open.
const SEND_GRACE_MS = 300;

async function main() {
  const [bundle, eventsFile] = process.argv.slice(2);
  const events = JSON.parse(readFileSync(String(eventsFile), 'utf8'));
  const { handler } = require(String(bundle));
  const results = [];
  for (const event of events) results.push(await handler(event, lambdaContext()));
  process.stdout.write(`RESULTS ${JSON.stringify(results)}\n`);
  setTimeout(() => process.exit(0), SEND_GRACE_MS);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
