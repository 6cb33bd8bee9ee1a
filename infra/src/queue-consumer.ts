import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { SqsEventSource, type SqsEventSourceProps } from "aws-cdk-lib/aws-lambda-event-sources";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { grantStore } from "./grants.ts";
import { type FunctionEnvironment, HouseFunction, type HouseFunctionProps } from "./house-function.ts";

export interface QueueConsumerProps extends Omit<HouseFunctionProps, "environment"> {
  /** The table it reads and writes; its name is set in the environment. */
  table: ITableV2;
  /** The queue it consumes; failed records are reported alone, so SQS retries only those. */
  source: IQueue;
  events: Omit<SqsEventSourceProps, "reportBatchItemFailures">;
  /** The one queue it may send to; its URL is the caller's to put in `environment`. */
  sendsTo?: IQueue | undefined;
  environment?: FunctionEnvironment;
}

/** A house function on an SQS event source with partial batch failures, granted the store and one queue to send to. */
export function queueConsumer(scope: Construct, id: string, props: QueueConsumerProps): HouseFunction {
  const { table, source, events, sendsTo, environment, ...function_ } = props;
  const consumer = new HouseFunction(scope, id, {
    ...function_,
    environment: { TREATYWATCH_TABLE_NAME: table.tableName, LOG_LEVEL: "info", ...environment },
  });
  grantStore(consumer, table, "readWrite");
  sendsTo?.grantSendMessages(consumer);
  consumer.addEventSource(new SqsEventSource(source, { ...events, reportBatchItemFailures: true }));
  return consumer;
}
