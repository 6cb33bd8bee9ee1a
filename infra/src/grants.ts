import { TABLE_KEYS } from "@treatywatch/store/dynamodb";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement } from "aws-cdk-lib/aws-iam";

/** Exactly the calls the DynamoDB store makes; it never scans and never uses transactions. */
export const STORE_ACTIONS = {
  read: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
  write: ["dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
} as const;

/**
 * Grants a function the store's calls on the table and its named indexes: narrower
 * than the table grants, which add every index (`index/*`), Scan and the rest.
 */
export function grantStore(grantee: IGrantable, table: ITableV2, access: "read" | "readWrite"): void {
  const actions: string[] = [...STORE_ACTIONS.read, ...(access === "readWrite" ? STORE_ACTIONS.write : [])];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions,
      resources: [table.tableArn, ...TABLE_KEYS.indexes.map((index) => `${table.tableArn}/index/${index.name}`)],
    }),
  );
}
