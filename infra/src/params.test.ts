import { App } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, ParamError, paramsFromContext } from "./params.ts";

const paramsOf = (context: Record<string, string>) => paramsFromContext(new App({ context }).node);

describe("paramsFromContext", () => {
  it("falls back to the defaults", () => {
    expect(paramsOf({})).toEqual({
      ...DEFAULT_PARAMS,
      domainName: undefined,
      certificateArn: undefined,
      alarmEmail: undefined,
      senderDomain: undefined,
    });
  });

  it("reads each parameter from treatywatch: context", () => {
    const params = paramsOf({
      "treatywatch:stage": "staging",
      "treatywatch:senderAddress": "news@alerts.example.net",
      "treatywatch:pollSchedule": "rate(2 minutes)",
      "treatywatch:pollBatchSize": "100",
      "treatywatch:domainName": "alerts.example.net",
      "treatywatch:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    });

    expect(params).toMatchObject({
      stage: "staging",
      senderAddress: "news@alerts.example.net",
      pollSchedule: "rate(2 minutes)",
      pollBatchSize: 100,
      domainName: "alerts.example.net",
    });
  });

  it.each([
    [{ "treatywatch:senderAddress": "not-an-address" }, "senderAddress"],
    [{ "treatywatch:stage": "Prod_1" }, "stage"],
    [{ "treatywatch:pollBatchSize": "0" }, "pollBatchSize"],
    [{ "treatywatch:domainName": "alerts.example.net" }, "certificateArn"],
    [{ "treatywatch:ingestShards": "65" }, "ingestShards"],
    [{ "treatywatch:sesSendRate": "0" }, "sesSendRate"],
    [{ "treatywatch:senderDomain": "other.example" }, "senderDomain"],
  ])("refuses %j", (context, named) => {
    expect(() => paramsOf(context)).toThrow(ParamError);
    expect(() => paramsOf(context)).toThrow(named);
  });
});
