import type { Node } from "constructs";

/** What one deployment chooses. Each comes from CDK context (`-c treatywatch:<name>=...` or cdk.json). */
export interface DeploymentParams {
  /** Prefixes resource names, so two deployments can share an account. */
  stage: string;
  /** The From address of alert and digest emails; its domain (or the address) is verified in SES. */
  senderAddress: string;
  /** When the poll tick runs (EventBridge Scheduler expression). */
  pollSchedule: string;
  /** When the digest tick runs; digests go to subscriptions whose local hour has come. */
  digestSchedule: string;
  /** A custom domain for the API and pages; needs a certificate in us-east-1. */
  domainName?: string | undefined;
  certificateArn?: string | undefined;
  /** Where alarms are emailed; none when unset (subscribe to the alarm topic some other way). */
  alarmEmail?: string | undefined;
  /** Feeds fetched per poll tick. */
  pollBatchSize: number;
  /** Story assignment shards (ingest message groups); every assignment reads every shard's index records. */
  ingestShards: number;
  /** Days items are kept after they were fetched (TTL); 0 keeps them. */
  itemRetentionDays: number;
  /** Days deliveries and their attempt logs are kept (TTL); 0 keeps them. */
  deliveryRetentionDays: number;
  /** The account's SES sending rate, mails a second (1 in the sandbox): the deliver function's concurrency follows it. */
  sesSendRate: number;
  /** A domain to verify in SES with Easy DKIM, instead of the sender address alone; the sender must be in it. */
  senderDomain?: string | undefined;
}

export const DEFAULT_PARAMS: DeploymentParams = {
  stage: "prod",
  senderAddress: "alerts@example.org",
  pollSchedule: "rate(5 minutes)",
  digestSchedule: "cron(0 * * * ? *)",
  pollBatchSize: 25_000,
  ingestShards: 4,
  itemRetentionDays: 365,
  deliveryRetentionDays: 90,
  sesSendRate: 1,
};

export class ParamError extends Error {
  override name = "ParamError";
}

function text(node: Node, name: string): string | undefined {
  const value: unknown = node.tryGetContext(`treatywatch:${name}`);
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string" && typeof value !== "number") {
    throw new ParamError(`context treatywatch:${name} must be a string`);
  }
  return String(value);
}

/** Reads the deployment's parameters from context, checking each once. */
export function paramsFromContext(node: Node): DeploymentParams {
  const senderAddress = text(node, "senderAddress") ?? DEFAULT_PARAMS.senderAddress;
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(senderAddress)) {
    throw new ParamError(`context treatywatch:senderAddress is not an email address: ${senderAddress}`);
  }
  const stage = text(node, "stage") ?? DEFAULT_PARAMS.stage;
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new ParamError("context treatywatch:stage must be lower-case letters, digits and dashes (at most 16)");
  }
  const pollBatchSize = integer(node, "pollBatchSize", 1);
  const ingestShards = integer(node, "ingestShards", 1, 64);
  const itemRetentionDays = integer(node, "itemRetentionDays", 0);
  const deliveryRetentionDays = integer(node, "deliveryRetentionDays", 0);
  const sesSendRate = integer(node, "sesSendRate", 1);
  const senderDomain = text(node, "senderDomain");
  if (senderDomain !== undefined && !senderAddress.toLowerCase().endsWith(`@${senderDomain.toLowerCase()}`)) {
    throw new ParamError(`context treatywatch:senderAddress must be in treatywatch:senderDomain (${senderDomain})`);
  }
  const domainName = text(node, "domainName");
  const certificateArn = text(node, "certificateArn");
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new ParamError("context treatywatch:domainName and treatywatch:certificateArn go together");
  }
  return {
    stage,
    senderAddress,
    pollSchedule: text(node, "pollSchedule") ?? DEFAULT_PARAMS.pollSchedule,
    digestSchedule: text(node, "digestSchedule") ?? DEFAULT_PARAMS.digestSchedule,
    domainName,
    certificateArn,
    alarmEmail: text(node, "alarmEmail"),
    pollBatchSize,
    ingestShards,
    itemRetentionDays,
    deliveryRetentionDays,
    sesSendRate,
    senderDomain,
  };
}

/** An integer parameter within bounds, or its default. */
function integer(node: Node, name: keyof DeploymentParams, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text(node, name) ?? DEFAULT_PARAMS[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new ParamError(`context treatywatch:${name} must be an integer ${range}`);
  }
  return value;
}
