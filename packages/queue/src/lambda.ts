/** The fields of an SQS event record that a handler needs. */
export interface SqsRecord {
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string | undefined; MessageGroupId?: string | undefined } | undefined;
}

export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Runs `handle` on every record of a Lambda SQS batch and reports only the failed
 * ones, so SQS retries those alone (needs ReportBatchItemFailures on the event source).
 */
export async function processSqsBatch(
  records: readonly SqsRecord[],
  handle: (record: SqsRecord) => Promise<void>,
): Promise<SqsBatchResponse> {
  const outcomes = await Promise.allSettled(records.map((record) => handle(record)));
  const batchItemFailures = records
    .filter((_, index) => outcomes[index]?.status === "rejected")
    .map((record) => ({ itemIdentifier: record.messageId }));
  return { batchItemFailures };
}

/**
 * Runs `handle` on the records of a FIFO batch one at a time, in order. At the first
 * failure it stops and reports that record and every later one, so SQS retries them
 * in their order (as a FIFO event source requires).
 */
export async function processFifoBatch(
  records: readonly SqsRecord[],
  handle: (record: SqsRecord) => Promise<void>,
): Promise<SqsBatchResponse> {
  for (const [index, record] of records.entries()) {
    try {
      await handle(record);
    } catch {
      return { batchItemFailures: records.slice(index).map(({ messageId }) => ({ itemIdentifier: messageId })) };
    }
  }
  return { batchItemFailures: [] };
}
