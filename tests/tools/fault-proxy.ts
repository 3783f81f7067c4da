// A fault-injecting HTTP proxy to put between the service and DynamoDB Local. For a chosen share
// of requests it delays them, drops the connection (before the request reaches DynamoDB, or after,
// so that the write happened but its answer is lost), or answers an error of DynamoDB's own shape:
// a whole request refused, or a transaction cancelled because one of its items was throttled or in
// conflict with another transaction.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type InjectedError = 'ProvisionedThroughputExceededException' | 'ThrottlingException' | 'InternalServerError';

/** Cancellation reasons (of DynamoDB's) that are not about the items' conditions. */
export type InjectedCancellation = 'ThrottlingError' | 'TransactionConflict';

export interface FaultPlan {
  /** Each share is of all requests (`cancel`: of TransactWriteItems requests); what is left is forwarded untouched. */
  error?: { share: number; type: InjectedError };
  /** TransactWriteItems cancelled, its first item for `reason` and the others `None`; nothing written. */
  cancel?: { share: number; reason: InjectedCancellation };
  dropBefore?: number;
  dropAfter?: number;
  delay?: { share: number; ms: number };
}

const ERROR_SHAPES: Record<InjectedError, { status: number; type: string }> = {
  ProvisionedThroughputExceededException: { status: 400, type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException' },
  ThrottlingException: { status: 400, type: 'com.amazon.coral.availability#ThrottlingException' },
  InternalServerError: { status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' },
};

// The messages DynamoDB gives these reasons.
const CANCELLATION_MESSAGES: Record<InjectedCancellation, string> = {
  ThrottlingError:
    'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
  TransactionConflict: 'Transaction is ongoing for the item',
};

/** DynamoDB's answer to a TransactWriteItems it cancelled: one reason per item, in order. */
function cancellation(request: Buffer, reason: InjectedCancellation): string {
  const { TransactItems: items } = JSON.parse(request.toString('utf8')) as { TransactItems: unknown[] };
  const reasons = items.map((_, i) => (i === 0 ? { Code: reason, Message: CANCELLATION_MESSAGES[reason] } : { Code: 'None' }));
  return JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    CancellationReasons: reasons,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
  });
}

export interface FaultProxy {
  endpoint: string;
  setPlan(plan: FaultPlan): void;
  /** What happened to the requests so far, by kind. */
  counts: Record<'forwarded' | 'error' | 'cancelled' | 'dropBefore' | 'dropAfter' | 'delayed', number>;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let plan: FaultPlan = {};
  const delayed = new Set<NodeJS.Timeout>();
  const counts = { forwarded: 0, error: 0, cancelled: 0, dropBefore: 0, dropAfter: 0, delayed: 0 };
  const upstream = new URL(target);

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, loseAnswer: boolean) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          if (loseAnswer) return void req.socket.destroy(); // DynamoDB did the work; the client never hears
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        });
      },
    );
    out.on('error', () => req.socket.destroy());
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let roll = Math.random();
      const hit = (share = 0) => (roll < share ? true : ((roll -= share), false));
      if (plan.error && hit(plan.error.share)) {
        counts.error++;
        const shape = ERROR_SHAPES[plan.error.type];
        res.writeHead(shape.status, { 'Content-Type': 'application/x-amz-json-1.0' });
        return void res.end(JSON.stringify({ __type: shape.type, message: 'injected by the fault proxy' }));
      }
      const transaction = req.headers['x-amz-target'] === 'DynamoDB_20120810.TransactWriteItems';
      if (plan.cancel && transaction && hit(plan.cancel.share)) {
        counts.cancelled++;
        res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
        return void res.end(cancellation(body, plan.cancel.reason));
      }
      if (hit(plan.dropBefore)) return void (counts.dropBefore++, req.socket.destroy());
      if (hit(plan.dropAfter)) {
        counts.dropAfter++;
        forward(req, body, res, true);
        return;
      }
      if (plan.delay && hit(plan.delay.share)) {
        counts.delayed++;
        const timer = setTimeout(() => {
          delayed.delete(timer);
          forward(req, body, res, false);
        }, plan.delay.ms);
        delayed.add(timer);
        return;
      }
      counts.forwarded++;
      forward(req, body, res, false);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setPlan: (next) => void (plan = next),
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of delayed) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
