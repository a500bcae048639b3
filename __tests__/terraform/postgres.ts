import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** A throw-away PostgreSQL server on loopback, for the pg backend's locking test. */
export interface Postgres {
  readonly connectionString: string;
  /** Runs SQL through psql and returns its unaligned output. */
  query(sql: string): string;
  stop(): void;
}

function findBinary(name: string): string {
  const fromPath = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  if (fromPath) return fromPath;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort().reverse() : [];
  const found = versions.map((v) => path.join(root, v, "bin", name)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`${name} not found: install PostgreSQL (apt-get install postgresql)`);
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server in a new temporary directory; PostgreSQL refuses to run as root, so root runs it as `postgres`. */
export async function startPostgres(): Promise<Postgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  fs.chmodSync(dir, 0o700);
  const run = (binary: string, args: string[]) => {
    const [command, prefix] = asRoot ? ["runuser", ["-u", "postgres", "--", binary]] : [binary, []];
    const result = spawnSync(command, [...prefix, ...args], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${binary} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  const data = path.join(dir, "data");
  run(findBinary("initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run(findBinary("pg_ctl"), ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  const connectionString = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  return {
    connectionString,
    query: (sql) => execFileSync("psql", [connectionString, "-At", "-c", sql], { encoding: "utf8" }).trim(),
    stop: () => {
      run(findBinary("pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
