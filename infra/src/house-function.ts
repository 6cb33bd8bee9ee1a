import { fileURLToPath } from "node:url";
import type { AwsEnvironment } from "@treatywatch/config";
import { METRICS_NAMESPACE } from "@treatywatch/config/powertools";
import { CLASSIFIER_JSON } from "@treatywatch/core/model/classifier-weights";
import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { BUNDLE_META_DIR, bundleMetaName } from "./bundle-meta.ts";

/** The repository root: entries are given relative to it, and the lockfile lives there. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The package.json conditions a bundle resolves with, as `esbuild --conditions`. */
export const BUNDLE_CONDITIONS = ["treatywatch-bundle", "module"];

/**
 * Files a bundle reads beside itself, by the module that reads them: each is copied into the
 * asset of every function whose bundle esbuild put that module in.
 */
export const FILES_BESIDE: ReadonlyArray<{ module: string; file: string }> = [
  // The classifier's weights, read when the function first judges.
  { module: "packages/core/src/model/classifier-weights.bundle.ts", file: CLASSIFIER_JSON },
];

/**
 * A script for `node -e … <metafile> <module>` that exits 0 when the bundle carries code of the module:
 * every bundle names the modules esbuild read, the tree-shaken ones with no bytes in its output.
 */
const CARRIES = [
  "const [meta, module] = process.argv.slice(1);",
  "const { outputs } = JSON.parse(require('node:fs').readFileSync(meta, 'utf8'));",
  "process.exit(Object.values(outputs).some((o) => (o.inputs[module]?.bytesInOutput ?? 0) > 0) ? 0 : 1);",
].join(" ");

/** Settings every function reads through packages/config, by name. */
export type FunctionEnvironment = AwsEnvironment & {
  LOG_LEVEL?: "debug" | "info" | "warn" | "error";
  TREATYWATCH_CONTACT_URL?: string;
  TREATYWATCH_TRUSTED_PROXIES?: string;
};

export interface HouseFunctionProps {
  /** The handler's file, relative to the repository root, exporting `handler`. */
  entry: string;
  description: string;
  environment: FunctionEnvironment;
  timeout: Duration;
  memorySize?: number;
  /** Errors and throttles alarm here. */
  alarmTopic: ITopic;
}

/**
 * Node.js 22 on ARM64, a CommonJS bundle with source maps, the AWS SDK from the runtime, JSON logs
 * kept a month, and the Powertools service name and metrics namespace set.
 */
export class HouseFunction extends NodejsFunction {
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role with only its own log group: no managed policy, no logs:* on every group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `${id}: logs to its own group; grants added per resource`,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    super(scope, id, {
      entry: `${REPO_ROOT}${props.entry}`,
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      environment: {
        NODE_OPTIONS: "--enable-source-maps",
        // Powertools names the service on every log line and metric from these.
        POWERTOOLS_SERVICE_NAME: `treatywatch-${id.replace(/[A-Z]/g, (c, at: number) => `${at > 0 ? "-" : ""}${c.toLowerCase()}`)}`,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...(props.environment as Record<string, string>),
      },
      bundling: {
        // CommonJS, which the runtime loads with require(): an ES module importing the AWS SDK
        // (CommonJS) has Node parse the SDK's entry files for their exports first, about 30 ms
        // of each cold start.
        format: OutputFormat.CJS,
        target: "node22",
        mainFields: ["module", "main"],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        metafile: true,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_input: string, output: string) => {
            const meta = `${BUNDLE_META_DIR}/${bundleMetaName(`${scope.node.path}/${id}`)}`;
            return [
              `mkdir -p "${BUNDLE_META_DIR}"`,
              `mv "${output}/index.meta.json" "${meta}"`,
              ...FILES_BESIDE.map(
                ({ module, file }) =>
                  `if node -e "${CARRIES}" "${meta}" "${module}"; then cp "${file}" "${output}/"; fi`,
              ),
            ];
          },
        },
        externalModules: ["@aws-sdk/*"],
        forceDockerBundling: false,
        esbuildArgs: {
          // The core's bundle-only modules (the classifier's weights read beside the bundle), and
          // esbuild's default `module` condition, which naming a condition of our own drops.
          "--conditions": BUNDLE_CONDITIONS.join(","),
          // An SDK client loaded on first use is required too, for the same reason.
          "--supported:dynamic-import": "false",
        },
      },
    });
    this.logGroupName = logGroup.logGroupName;

    for (const [name, metric] of [
      ["Errors", this.metricErrors({ period: Duration.minutes(5) })],
      ["Throttles", this.metricThrottles({ period: Duration.minutes(5) })],
    ] as const) {
      new Alarm(scope, `${id}${name}Alarm`, {
        alarmDescription: `${Stack.of(scope).stackName} ${id}: ${name.toLowerCase()} in the last 5 minutes`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(props.alarmTopic));
    }
  }
}
