import * as crypto from "crypto";
import * as fs from "fs";

/** One package of an npm lock file (lockfileVersion 3): what `npm ci` reads. */
interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Lock {
  packages: Record<string, LockEntry>;
}

/** Flags that say how the project uses a package; the scratch app uses each of them in production. */
const USE_FLAGS = ["dev", "devOptional", "optional", "peer"];

/**
 * A lock file for an app that depends on `tarball` (this package, packed), on the package's peer
 * dependencies and on `others`, each at the version this project's own lock file installs. Every other entry is this project's, so
 * `npm ci --offline` installs the app from npm's cache, which this project's `npm ci` filled: no
 * registry is asked, not even for a package's metadata.
 */
export function consumerLock(projectLock: string, app: { name: string; tarball: string; tarballSpec: string; others: readonly string[] }): object {
  const lock = JSON.parse(fs.readFileSync(projectLock, "utf8")) as Lock;
  const packed = JSON.parse(fs.readFileSync(projectLock.replace(/package-lock\.json$/, "package.json"), "utf8")) as LockEntry;
  const dependencies: Record<string, string> = { [String(packed.name)]: app.tarballSpec };
  const direct = [...Object.keys(packed.peerDependencies ?? {}), ...app.others];
  for (const peer of direct) {
    const entry = lock.packages[`node_modules/${peer}`];
    if (!entry?.version) throw new Error(`package-lock.json installs no ${peer}`);
    dependencies[peer] = entry.version;
  }
  const packages: Record<string, LockEntry> = {
    "": { name: app.name, version: "1.0.0", dependencies },
    [`node_modules/${packed.name}`]: {
      version: packed.version,
      resolved: app.tarballSpec,
      integrity: `sha512-${crypto.createHash("sha512").update(fs.readFileSync(app.tarball)).digest("base64")}`,
      ...(packed.dependencies ? { dependencies: packed.dependencies } : {}),
      ...(packed.peerDependencies ? { peerDependencies: packed.peerDependencies } : {}),
    },
  };
  // Each package's dependencies, where Node would find them from it: its own node_modules, then up.
  const wanted = [...Object.keys(packed.dependencies ?? {}), ...direct].map((name) => ({ name, from: "" }));
  while (wanted.length > 0) {
    const { name, from } = wanted.pop()!;
    const location = locate(lock, name, from);
    if (location === undefined) throw new Error(`package-lock.json installs no ${name} (needed by ${from || "the app"})`);
    if (location in packages) continue;
    const entry = Object.fromEntries(Object.entries(lock.packages[location]).filter(([key]) => !USE_FLAGS.includes(key))) as LockEntry;
    packages[location] = entry;
    const optionalPeers = new Set(Object.entries(entry.peerDependenciesMeta ?? {}).flatMap(([peer, meta]) => (meta.optional ? [peer] : [])));
    const needs = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}).filter((dep) => locate(lock, dep, location) !== undefined),
      ...Object.keys(entry.peerDependencies ?? {}).filter((peer) => !optionalPeers.has(peer)),
    ];
    for (const dep of needs) wanted.push({ name: dep, from: location });
  }
  return { name: app.name, version: "1.0.0", lockfileVersion: 3, requires: true, packages: sortKeys(packages) };
}

/** Where `name` is installed as seen from the package at `from` ("" for the root), as Node resolves it. */
function locate(lock: Lock, name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === "" ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (dir === "") return undefined;
    const up = dir.lastIndexOf("/node_modules/");
    dir = up === -1 ? "" : dir.slice(0, up);
  }
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
}
