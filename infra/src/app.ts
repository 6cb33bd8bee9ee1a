import { type App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { acknowledge } from "./nag.ts";
import type { DeploymentParams } from "./params.ts";
import { ApiStack } from "./stacks/api.ts";
import { DataStack } from "./stacks/data.ts";
import { EmailStack } from "./stacks/email.ts";
import { ObservabilityStack } from "./stacks/observability.ts";
import { QueuesStack } from "./stacks/queues.ts";
import { WorkerStack } from "./stacks/worker.ts";

export interface TreatywatchStacks {
  observability: ObservabilityStack;
  data: DataStack;
  queues: QueuesStack;
  email: EmailStack;
  api: ApiStack;
  worker: WorkerStack;
}

/** Every stack of one deployment, wired together, with the AwsSolutions checks on. */
export function buildTreatywatch(app: App, params: DeploymentParams): TreatywatchStacks {
  const name = (concern: string) => `treatywatch-${params.stage}-${concern}`;
  const observability = new ObservabilityStack(app, name("observability"), { alarmEmail: params.alarmEmail });
  const alarmTopic = observability.alarmTopic;
  const data = new DataStack(app, name("data"));
  const queues = new QueuesStack(app, name("queues"), { alarmTopic });
  const email = new EmailStack(app, name("email"), {
    senderAddress: params.senderAddress,
    senderDomain: params.senderDomain,
    alarmTopic,
    table: data.table,
  });
  const sender = {
    mailFrom: params.senderAddress,
    sesIdentity: email.identity,
    configurationSet: email.configurationSet,
  };
  const api = new ApiStack(app, name("api"), {
    table: data.table,
    deliveryQueue: queues.queues.delivery.queue,
    rateLimits: data.rateLimits,
    deliveryRetentionDays: params.deliveryRetentionDays,
    alarmTopic,
    webhookKey: data.webhookKey,
    domainName: params.domainName,
    certificateArn: params.certificateArn,
    publicUrl: params.domainName ? `https://${params.domainName}` : undefined,
    ...sender,
  });
  const worker = new WorkerStack(app, name("worker"), {
    table: data.table,
    fetchQueue: queues.queues.fetch,
    ingestQueue: queues.queues.ingest,
    matchQueue: queues.queues.match,
    deliveryQueue: queues.queues.delivery,
    digestSchedule: params.digestSchedule,
    ...sender,
    publicUrl: api.publicUrl,
    webhookKey: data.webhookKey,
    alarmTopic,
    pollSchedule: params.pollSchedule,
    pollBatchSize: params.pollBatchSize,
    ingestShards: params.ingestShards,
    itemRetentionDays: params.itemRetentionDays,
    deliveryRetentionDays: params.deliveryRetentionDays,
    sesSendRate: params.sesSendRate,
    dashboardName: name("dashboard"),
  });
  const stacks = { observability, data, queues, email, api, worker };

  for (const stack of Object.values(stacks)) {
    Tags.of(stack).add("project", "treatywatch");
    Tags.of(stack).add("stage", params.stage);
    suppressGrantWildcards(stack);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}

/** The findings that CDK's own grants raise, each with the reason it is accepted. */
function suppressGrantWildcards(
  stack: DataStack | QueuesStack | EmailStack | ApiStack | WorkerStack | ObservabilityStack,
) {
  acknowledge(stack, [
    {
      id: "AwsSolutions-L1",
      reason:
        "Node.js 22 is pinned on purpose: bundles target node22 and are moved to a newer runtime in one reviewed change.",
    },
  ]);
}
