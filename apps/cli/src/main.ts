import type { Clock, KeyStore, Store } from "@treatywatch/core";
import { Command } from "commander";
import { DEFAULT_STAGE, openAwsRuntime } from "./aws-runtime.ts";
import { classifyCommand } from "./commands/classify.ts";
import {
  deadLettersCommand,
  deliveryLogCommand,
  listFailedDeliveries,
  replayDeliveries,
  sendNowCommand,
} from "./commands/deliveries.ts";
import { demoCommand } from "./commands/demo.ts";
import { evalCommand } from "./commands/eval.ts";
import {
  addFeedCommand,
  feedHealthCommand,
  importFeedsCommand,
  listFeedsCommand,
  removeFeedCommand,
} from "./commands/feeds.ts";
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from "./commands/keys.ts";
import { confirmLinkCommand, listOutboxCommand } from "./commands/outbox.ts";
import { pollOnceCommand } from "./commands/poll.ts";
import { formatReclassify, reclassifyStore } from "./commands/reclassify.ts";
import { serveCommand } from "./commands/serve.ts";
import { trainCommand } from "./commands/train.ts";
import { describeFailure } from "./errors.ts";
import { demoConfig, inMemoryConfig, openRuntime, readConfig } from "./runtime.ts";

interface AwsFlags {
  aws?: boolean;
  stage?: string;
  table?: string;
}

/** `--aws`, `--stage` and `--table`: the commands that manage keys and feeds reach the deployed table with them. */
function onAws(command: Command): Command {
  return command
    .option("--aws", "use the deployed DynamoDB table (credentials and region from the AWS CLI's settings)")
    .option("--stage <stage>", "with --aws: the deployment stage whose data stack names the table", DEFAULT_STAGE)
    .option("--table <name>", "with --aws: the table itself, instead of the stack's TableName output");
}

/** Runs a command on the deployed table (`--aws`) or on this machine's SQLite database, and closes it. */
async function withStore(
  flags: AwsFlags,
  run: (runtime: { store: Store; keys: KeyStore; clock: Clock }) => Promise<number>,
): Promise<number> {
  if (flags.aws || flags.table) {
    const runtime = await openAwsRuntime({ stage: flags.stage, table: flags.table });
    try {
      return await run(runtime);
    } finally {
      await runtime.close();
    }
  }
  const runtime = open();
  try {
    return await run(runtime);
  } finally {
    await runtime.store.close();
  }
}

const program = new Command()
  .name("treatywatch")
  .description("News alerts for arms-control treaty and landmine news.")
  .version("0.1.0")
  .option("--demo", "work on the demo's data (DATA_DIR/demo), e.g. while `treatywatch demo` runs")
  .showHelpAfterError();

/** The configuration, pointed at the demo's data when --demo is given. */
function configured(config = readConfig()) {
  return program.opts<{ demo?: boolean }>().demo ? demoConfig(config) : config;
}

/** This machine's runtime, on the demo's data when --demo is given. */
function open(config = readConfig()) {
  return openRuntime(configured(config));
}

program
  .command("serve")
  .description("run the API and the feed poller on this machine (SQLite under ./data)")
  .action(async () => {
    await serveCommand(open());
  });

program
  .command("demo")
  .description("run offline on sample feeds served from loopback; the API lists stories within seconds")
  .action(async () => {
    await demoCommand();
  });

program
  .command("poll")
  .description("fetch feeds once and print what each gave")
  .requiredOption("--once", "poll once and exit (the only mode; the schedule runs under `serve`)")
  .option("--feeds <file>", "a feeds file: one URL or relative path a line, # for comments")
  .option("--json", "print one JSON document instead of text")
  .option("--dry-run", "keep what the feeds give in memory only: nothing is written to the database")
  .action(async (options: { feeds?: string; json?: boolean; dryRun?: boolean }) => {
    const config = readConfig();
    process.exitCode = await pollOnceCommand(
      options.dryRun ? openRuntime(inMemoryConfig(config)) : open(config),
      options,
    );
  });

program
  .command("classify")
  .description(
    'read JSON Lines {"id","title","summary"?,"link"?,"source"?,"published"?,"language"?} on stdin; write one verdict a line with its storyId',
  )
  .action(async () => {
    process.exitCode = await classifyCommand();
  });

program
  .command("eval")
  .description(
    "score classification and story clustering: on the shared real-news splits beside the project (the frozen test split is the figure to report) and on our own labelled sets",
  )
  .option("--file <file>", "score this labelled JSON Lines set instead")
  .option("--shared <folder>", "where the shared splits are (default: ../shared/news beside the project)")
  .option("--verbose", "also list the ids classified or clustered wrongly (never for the frozen test split)")
  .option("--json", "print one JSON document instead of text")
  .option("--check", "exit 1 when the frozen test split falls below the floors in packages/core/eval/floors.json")
  .action(async (options: { file?: string; shared?: string; verbose?: boolean; json?: boolean; check?: boolean }) => {
    process.exitCode = await evalCommand(options);
  });

program
  .command("train")
  .description("retrain the classifier's model on the shared dev split and our labelled sets, and write its weights")
  .option("--shared <folder>", "where the shared splits are (default: ../shared/news beside the project)")
  .option("--out <folder>", "write the weights here instead of packages/core/src/model/")
  .option("--check", "write nothing; exit 1 unless the weights there are what training writes now")
  .action(async (options: { shared?: string; out?: string; check?: boolean }) => {
    process.exitCode = await trainCommand(options);
  });

program
  .command("reclassify")
  .description("re-run the classifier over stored items whose verdict came from another classifier version")
  .action(async () => {
    const runtime = open();
    process.stdout.write(formatReclassify(await reclassifyStore(runtime.store, runtime.clock)));
    await runtime.store.close();
  });

const keys = program.command("keys").description("API keys: each belongs to a tenant and has scopes");
onAws(
  keys
    .command("create")
    .description("issue a key and print it once (only its hash is kept)")
    .requiredOption("--tenant <name>", "the tenant the key acts for; created on first use")
    .option("--scopes <list>", "comma-separated: read, write, admin", "read,write")
    .option("--email <address>", "the tenant's contact address: notices such as a disabled webhook go there"),
).action(async (options: { tenant: string; scopes: string; email?: string } & AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => createKeyCommand(runtime, options));
});
onAws(
  keys
    .command("list")
    .description("list keys by prefix, tenant, scopes and state")
    .option("--tenant <name>", "only this tenant's keys"),
).action(async (options: { tenant?: string } & AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => listKeysCommand(runtime, options));
});
onAws(
  keys
    .command("revoke")
    .argument("<key>", "a key id (key_…) or its prefix (tw_…)")
    .description("revoke a key; it stops working at once"),
).action(async (key: string, options: AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => revokeKeyCommand(runtime, key));
});

const feeds = program.command("feeds").description("the feeds the poller fetches: add, list, remove, health");
onAws(
  feeds
    .command("add")
    .argument("<url>", "an http or https feed URL")
    .description("add a feed; an invalid URL or one already added is refused"),
).action(async (url: string, options: AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => addFeedCommand(runtime, url));
});
onAws(
  feeds
    .command("import")
    .argument("<file>", "a feeds file: one URL a line, # for comments (feeds.txt is the curated list)")
    .description("add every feed of a feeds file; those already added are left as they are"),
).action(async (file: string, options: AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => importFeedsCommand(runtime, file));
});
onAws(
  feeds
    .command("list")
    .description("list feeds: id, URL and title")
    .option("--json", "print one JSON document instead of text"),
).action(async (options: { json?: boolean } & AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => listFeedsCommand(runtime, options));
});
onAws(
  feeds.command("remove").argument("<feed>", "a feed id (fd_…) or URL").description("remove a feed; its items stay"),
).action(async (feed: string, options: AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => removeFeedCommand(runtime, feed));
});
onAws(
  feeds
    .command("health")
    .description("each feed's last success, last error and its kind, failures in a row and next attempt")
    .option("--failing", "only feeds that are failing")
    .option("--json", "print one JSON document instead of text"),
).action(async (options: { json?: boolean; failing?: boolean } & AwsFlags) => {
  process.exitCode = await withStore(options, (runtime) => feedHealthCommand(runtime, options));
});

const deliveries = program
  .command("deliveries")
  .description("alerts and digests sent: failed ones, a subscription's log, replay, dead letters");
deliveries
  .command("failed")
  .description("deliveries that used up their attempts or were refused")
  .option("--json", "print one JSON document instead of text")
  .action(async (options: { json?: boolean }) => {
    const runtime = open();
    process.exitCode = await listFailedDeliveries(runtime, options);
    await runtime.store.close();
  });
deliveries
  .command("log")
  .argument("<subscription>", "a subscription id (sub_…)")
  .description("a subscription's deliveries with every attempt: time, outcome, HTTP status, latency")
  .action(async (subscription: string) => {
    const runtime = open();
    process.exitCode = await deliveryLogCommand(runtime, subscription);
    await runtime.store.close();
  });
deliveries
  .command("replay")
  .argument("[ids...]", "failed delivery ids (msg_…)")
  .option("--all", "every failed delivery")
  .description("give failed deliveries fresh attempts; a running server sends them within a minute")
  .action(async (ids: string[], options: { all?: boolean }) => {
    const runtime = open();
    process.exitCode = await replayDeliveries(runtime, ids, options);
    await runtime.store.close();
  });
deliveries
  .command("send-now")
  .description("send what is due now instead of within the minute: new alerts, due digests, confirmation mail, retries")
  .option(
    "--digests",
    "also send every digest subscription its digest of the last day or week now, outside its schedule",
  )
  .action(async (options: { digests?: boolean }) => {
    const config = readConfig();
    // The command reports what it sent on stdout; the loop's info lines would only repeat it.
    const runtime = open(config.logLevel === "info" ? { ...config, logLevel: "warn" } : config);
    process.exitCode = await sendNowCommand(runtime, options);
    await runtime.store.close();
  });
deliveries
  .command("dead-letters")
  .option("--redrive", "queue them all again")
  .description("delivery-queue messages no worker could handle")
  .action(async (options: { redrive?: boolean }) => {
    const runtime = open();
    process.exitCode = await deadLettersCommand(runtime, options);
    await runtime.store.close();
  });

const outbox = program
  .command("outbox")
  .description("mail written to DATA_DIR/outbox (when no SMTP server is set), newest first, links decoded")
  .option("--to <address>", "only mail to this address")
  .option("--limit <n>", "how many messages", (value) => Number.parseInt(value, 10), 10)
  .action(async (options: { to?: string; limit: number }) => {
    process.exitCode = await listOutboxCommand({ config: configured() }, options);
  });
outbox
  .command("confirm-link")
  .argument("[address]", "the address the confirmation was sent to; the newest of any by default")
  .description("print the newest confirmation link in the outbox, to open or POST")
  .action(async (address: string | undefined) => {
    process.exitCode = await confirmLinkCommand({ config: configured() }, address);
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`treatywatch: ${describeFailure(error)}\n`);
  if (readLogLevel() === "debug" || readLogLevel() === "trace") process.stderr.write(`${(error as Error)?.stack}\n`);
  process.exit(1);
}

function readLogLevel(): string | undefined {
  try {
    return readConfig().logLevel;
  } catch {
    return undefined;
  }
}
