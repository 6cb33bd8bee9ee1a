import type { LambdaMetrics } from "@treatywatch/config/powertools";
import type { Clock, Logger } from "@treatywatch/core";
import { handleSesNotification, type SuppressionList } from "@treatywatch/notify";
import { processSqsBatch, type SqsBatchResponse, type SqsRecord } from "@treatywatch/queue/sqs";
import { instrumented } from "./lambda-config.ts";

export interface SuppressionConsumerDeps {
  suppressions: SuppressionList;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<LambdaMetrics, "count"> | undefined;
}

/**
 * Consumes the SNS envelopes of SES bounce, complaint and reject events (SNS → SQS, so
 * only the configuration set's topic can write here): permanent bounces and complaints
 * put their recipients on the suppression list. An unreadable event is logged and
 * dropped; a store failure fails the record, and SQS retries it.
 */
export async function consumeSuppressionBatch(
  records: readonly SqsRecord[],
  deps: SuppressionConsumerDeps,
): Promise<SqsBatchResponse> {
  return processSqsBatch(records, async (record) => {
    const outcome = await handleSesNotification(record.body, deps.suppressions, deps.clock.now().toISOString());
    if (outcome.kind === "invalid") {
      deps.logger.error({ messageId: record.messageId, reason: outcome.reason }, "unreadable email feedback");
    } else if (outcome.kind === "suppressed") {
      deps.logger.info({ addresses: outcome.addresses.length, reason: outcome.reason }, "addresses suppressed");
      deps.metrics?.count("AddressesSuppressed", outcome.addresses.length);
    } else {
      deps.logger.info({ outcome: outcome.kind }, "email feedback");
    }
  });
}

export const handler = instrumented((event: { Records: SqsRecord[] }, runtime) =>
  consumeSuppressionBatch(event.Records, {
    suppressions: runtime.suppressions,
    clock: runtime.clock,
    logger: runtime.logger,
    metrics: runtime.metrics,
  }),
);
