import { NodeSafeHttpClient } from "@treatywatch/http/node";
import { SesMailer, SuppressingMailer, safeHttpPoster, sesClient } from "@treatywatch/notify";
import type { SqsRecord } from "@treatywatch/queue/sqs";
import { type DeliverDeps, deliverDepsFor, handleDeliveryBatch } from "../deliver.ts";
import { instrumented, lambdaRuntime } from "./lambda-config.ts";

let deps: DeliverDeps | undefined;

/** Webhooks through the address guard, mail through SES (suppressed addresses never reach it). */
function deliverDeps(): DeliverDeps {
  if (deps) return deps;
  const runtime = lambdaRuntime();
  const { aws } = runtime;
  const mailer = new SuppressingMailer(new SesMailer(sesClient(), aws.sesConfigurationSet), runtime.suppressions);
  deps = deliverDepsFor({
    subscriptions: runtime.subscriptions,
    tenants: runtime.keys,
    deliveries: runtime.deliveries,
    poster: safeHttpPoster(new NodeSafeHttpClient({ allow: runtime.fetch.allow })),
    // Without a sender address email deliveries fail as not configured.
    mailer: aws.mailFrom ? mailer : undefined,
    mailFrom: aws.mailFrom ?? "",
    publicUrl: aws.publicUrl ?? "",
    unsubscribeUrl: (id) => runtime.unsubscribeUrl(id),
    clock: runtime.clock,
    logger: runtime.logger,
  });
  return deps;
}

/** The delivery queue's consumer: one attempt per record; SQS retries only the records that threw. */
export const handler = instrumented(async (event: { Records: SqsRecord[] }, runtime) => {
  const response = await handleDeliveryBatch(event.Records, deliverDeps());
  if (response.batchItemFailures.length > 0) {
    runtime.logger.warn({ failed: response.batchItemFailures.length, of: event.Records.length }, "delivery batch");
  }
  runtime.metrics.count("DeliveryMessages", event.Records.length);
  runtime.metrics.count("DeliveryMessagesFailed", response.batchItemFailures.length);
  return response;
});
