import type { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { describe, expect, it } from "vitest";
import { AwsTargetError, resolveTable } from "./aws-runtime.ts";

/** Stands in for CloudFormation: the stacks it knows and their outputs. */
function stacks(known: Record<string, Record<string, string>>) {
  const asked: string[] = [];
  return {
    asked,
    async send(command: DescribeStacksCommand) {
      const name = command.input.StackName ?? "";
      asked.push(name);
      const outputs = known[name];
      if (!outputs) throw new Error(`Stack with id ${name} does not exist`);
      return {
        Stacks: [{ Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }],
      };
    },
  };
}

describe("resolveTable", () => {
  it("takes the table named with --table without asking CloudFormation", async () => {
    const outputs = stacks({});

    expect(await resolveTable({ table: "my-table" }, outputs)).toBe("my-table");
    expect(outputs.asked).toEqual([]);
  });

  it("reads the TableName output of the stage's data stack", async () => {
    const outputs = stacks({ "treatywatch-staging-data": { TableName: "treatywatch-staging-data-Table1234" } });

    expect(await resolveTable({ stage: "staging" }, outputs)).toBe("treatywatch-staging-data-Table1234");
    expect(outputs.asked).toEqual(["treatywatch-staging-data"]);
  });

  it.each([
    ["a stack that is not deployed", {}, /cannot read the outputs of treatywatch-prod-data \(Stack with id/],
    ["a stack without the output", { "treatywatch-prod-data": {} }, /has no TableName output/],
  ])("names the stack and the way out for %s", async (_name, known, message) => {
    const lookup = resolveTable({}, stacks(known));

    await expect(lookup).rejects.toThrow(AwsTargetError);
    await expect(lookup).rejects.toThrow(message);
    await expect(lookup).rejects.toThrow("--table");
  });
});
