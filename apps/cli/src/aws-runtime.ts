import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type Clock, type KeyStore, type Store, systemClock } from "@treatywatch/core";
import { DynamoKeyStore, DynamoStore } from "@treatywatch/store/dynamodb";
import { UserError } from "./errors.ts";

/** Where the deployed store is: a table named outright, or the data stack of a stage, whose `TableName` output names it. */
export interface AwsTarget {
  table?: string | undefined;
  stage?: string | undefined;
}

/** The slice of the CloudFormation client the lookup uses; tests pass a stand-in. */
export interface StackOutputs {
  send(
    command: DescribeStacksCommand,
  ): Promise<{ Stacks?: Array<{ Outputs?: Array<{ OutputKey?: string; OutputValue?: string }> }> }>;
}

/** The deployed table cannot be found: said in one line, with what to do (see `describeFailure`). */
export class AwsTargetError extends UserError {
  override name = "AwsTargetError";
}

export const DEFAULT_STAGE = "prod";

/** The data stack of a deployment stage, as `infra` names it. */
export const dataStackName = (stage: string) => `treatywatch-${stage}-data`;

/** The table to use: `--table`, else the `TableName` output of the stage's data stack. */
export async function resolveTable(target: AwsTarget, outputs: StackOutputs): Promise<string> {
  if (target.table) return target.table;
  const stack = dataStackName(target.stage ?? DEFAULT_STAGE);
  let described: Awaited<ReturnType<StackOutputs["send"]>>;
  try {
    described = await outputs.send(new DescribeStacksCommand({ StackName: stack }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AwsTargetError(
      `cannot read the outputs of ${stack} (${reason}); deploy it, or name the table with --table`,
    );
  }
  const table = described.Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === "TableName")?.OutputValue;
  if (!table) throw new AwsTargetError(`${stack} has no TableName output; deploy it, or name the table with --table`);
  return table;
}

/** What `keys` and `feeds` need, on the deployed DynamoDB table. */
export interface AwsRuntime {
  store: Store;
  keys: KeyStore;
  clock: Clock;
  tableName: string;
  close(): Promise<void>;
}

/**
 * The composition root for `--aws`: the AWS SDK's own credentials, region and endpoint settings
 * (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB ...), the table from the flag or the stack.
 */
export async function openAwsRuntime(
  target: AwsTarget,
  outputs: StackOutputs = new CloudFormationClient({}),
): Promise<AwsRuntime> {
  const tableName = await resolveTable(target, outputs);
  const client = new DynamoDBClient({});
  const store = new DynamoStore({ client, tableName });
  return {
    store,
    keys: new DynamoKeyStore({ client, tableName }),
    clock: systemClock,
    tableName,
    close: () => store.close(),
  };
}
