import { storeContract } from "./contract.ts";
import { SqliteStore } from "./sqlite.ts";

storeContract("SQLite", async () => new SqliteStore(":memory:"));
