import * as core from "@treatywatch/core";
import { type Bench, notAvailable, type Row } from "../report.ts";

const TARGET = "reported";

/** Digest composition lives in core once it exists; until then the row says so rather than measuring a stand-in. */
export const digest: Bench = {
  name: "digest",
  async run(): Promise<Row[]> {
    const exported = Object.keys(core);
    const builder = exported.find((name) => /^build\w*Digest/.test(name));
    const renderer = exported.find((name) => /^render\w*Digest/.test(name));
    if (!builder || !renderer) {
      return [
        notAvailable(
          "digest",
          TARGET,
          "not available: `@treatywatch/core` exports no digest builder and renderer yet, so daily digests " +
            "for 10,000 subscriptions over 2,000 stories cannot be measured.",
        ),
      ];
    }
    return [
      notAvailable(
        "digest",
        TARGET,
        `not measured: core exports \`${builder}\` and \`${renderer}\`, which this suite does not call yet.`,
      ),
    ];
  },
};
