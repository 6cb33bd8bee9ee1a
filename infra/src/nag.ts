import { Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/** A cdk-nag finding accepted on a construct, always with the reason why. */
export interface Accepted {
  id: string;
  reason: string;
}

export function acknowledge(construct: IConstruct, findings: readonly Accepted[]): void {
  for (const finding of findings) Validations.of(construct).acknowledge(finding);
}
