// `node scripts/run.js ENTRY [ARGS...]`: runs a command of this project (main = synthesize) in this
// process, after building it only if a file it is built from changed (see build-app.js). One Node
// start instead of two, and no build when nothing changed.
const path = require("path");
const { ensureBuilt, ENTRIES } = require("./build-app");

const [name, ...args] = process.argv.slice(2);
if (!name || !(name in ENTRIES)) {
  // 2, the usage code of every command: 3 is a command's own outcome (policy's "unknown", which CI lets pass).
  process.stderr.write(`usage: node scripts/run.js ENTRY [ARGS...]; ENTRY is one of ${Object.keys(ENTRIES).join(", ")}\n`);
  process.exit(2);
}
/** A package that cannot be loaded means an install that is missing or incomplete: say so in one line, not a stack trace. */
function exitIfNotInstalled(error) {
  if (!error || error.code !== "MODULE_NOT_FOUND") throw error;
  const missing = /Cannot find module '([^']+)'/.exec(String(error.message))?.[1] ?? "a package";
  process.stderr.write(`${name}: cannot load ${missing}: node_modules is missing or incomplete; run npm ci\n`);
  process.exit(1);
}

let file;
try {
  file = ensureBuilt(name);
} catch (error) {
  exitIfNotInstalled(error);
}
process.argv = [process.argv[0], file, ...args];
try {
  require(path.resolve(file));
} catch (error) {
  exitIfNotInstalled(error);
}
