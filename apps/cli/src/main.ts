import { ConfigError } from "@treatywatch/config";
import type { Clock, KeyStore, Store } from "@treatywatch/core";
import { Command } from "commander";
import { AwsTargetError, DEFAULT_STAGE, openAwsRuntime } from "./aws-runtime.ts";
import { classifyCommand } from "./commands/classify.ts";
import {
  deadLettersCommand,
  deliveryLogCommand,
  listFailedDeliveries,
  replayDeliveries,
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
import { pollOnceCommand } from "./commands/poll.ts";
import { formatReclassify, reclassifyStore } from "./commands/reclassify.ts";
import { serveCommand } from "./commands/serve.ts";
import { openRuntime } from "./runtime.ts";

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
  const runtime = openRuntime();
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
  .showHelpAfterError();

program
  .command("serve")
  .description("run the API and the feed poller on this machine (SQLite under ./data)")
  .action(async () => {
    await serveCommand(openRuntime());
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
  .action(async (options: { feeds?: string; json?: boolean }) => {
    process.exitCode = await pollOnceCommand(openRuntime(), options);
  });

program
  .command("classify")
  .description(
    'read JSON Lines {"id","title","summary"?,"link"?,"source"?,"published"?} on stdin; write one verdict a line with its storyId',
  )
  .action(async () => {
    process.exitCode = await classifyCommand();
  });

program
  .command("eval")
  .description("score classification and story clustering on a labelled JSON Lines set")
  .option("--file <file>", "a labelled set (default: packages/core/eval/labelled.jsonl)")
  .option("--verbose", "also list the ids classified or clustered wrongly")
  .option("--json", "print one JSON document instead of text")
  .option("--check", "exit 1 when a target is missed")
  .action(async (options: { file?: string; verbose?: boolean; json?: boolean; check?: boolean }) => {
    process.exitCode = await evalCommand(options);
  });

program
  .command("reclassify")
  .description("re-run the classifier over stored items whose verdict came from another classifier version")
  .action(async () => {
    const runtime = openRuntime();
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
    const runtime = openRuntime();
    process.exitCode = await listFailedDeliveries(runtime, options);
    await runtime.store.close();
  });
deliveries
  .command("log")
  .argument("<subscription>", "a subscription id (sub_…)")
  .description("a subscription's deliveries with every attempt: time, outcome, HTTP status, latency")
  .action(async (subscription: string) => {
    const runtime = openRuntime();
    process.exitCode = await deliveryLogCommand(runtime, subscription);
    await runtime.store.close();
  });
deliveries
  .command("replay")
  .argument("[ids...]", "failed delivery ids (msg_…)")
  .option("--all", "every failed delivery")
  .description("give failed deliveries fresh attempts; a running server sends them within a minute")
  .action(async (ids: string[], options: { all?: boolean }) => {
    const runtime = openRuntime();
    process.exitCode = await replayDeliveries(runtime, ids, options);
    await runtime.store.close();
  });
deliveries
  .command("dead-letters")
  .option("--redrive", "queue them all again")
  .description("delivery-queue messages no worker could handle")
  .action(async (options: { redrive?: boolean }) => {
    const runtime = openRuntime();
    process.exitCode = await deadLettersCommand(runtime, options);
    await runtime.store.close();
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError || error instanceof AwsTargetError) {
    process.stderr.write(`treatywatch: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
