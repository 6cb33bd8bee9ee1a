import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

type Level = "debug" | "info" | "warn" | "error";

/** The house logger shape: fields first, then the message. */
export type FieldLogger = Record<Level, (fields: object, message: string) => void>;

/**
 * Powertools' structured logger behind the house logger shape: JSON lines with the level,
 * the service, the cold start and the request id (once `addContext` is called), errors
 * with their name and stack. The function's log level (AWS_LAMBDA_LOG_LEVEL) wins over `level`.
 */
export function powertoolsLogger(
  level: Level | "trace" | "fatal" | "silent",
  serviceName?: string,
): { logger: FieldLogger; powertools: Logger } {
  const powertools = new Logger({
    logLevel: level === "fatal" ? "critical" : level,
    ...(serviceName ? { serviceName } : {}),
  });
  const at =
    (name: Level) =>
    (fields: object, message: string): void =>
      powertools[name](message, { ...fields });
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, powertools };
}

/** Counts a function reports, as CloudWatch embedded metric format lines in its log. */
export interface LambdaMetrics {
  count(name: string, value?: number): void;
  /** Writes what was counted in this invocation (and, the first time, the cold start). */
  publish(): void;
}

/** The metrics namespace every function reports in; the service (POWERTOOLS_SERVICE_NAME) is the dimension. */
export const METRICS_NAMESPACE = "treatywatch";

export function powertoolsMetrics(serviceName?: string): LambdaMetrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, ...(serviceName ? { serviceName } : {}) });
  return {
    count(name, value = 1) {
      metrics.addMetric(name, MetricUnit.Count, value);
    },
    publish() {
      // Emitted on the first call of an on-demand instance only.
      metrics.captureColdStartMetric();
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
