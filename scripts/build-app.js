// Compiles main.ts and lib/ into dist/main.js for `cdktf synth`, without type-checking (that is
// `npm run typecheck`'s job): esbuild takes milliseconds where tsc takes seconds on every synth.
// Packages stay external, so provider classes still load one resource module at a time.
const path = require("path");

const root = path.join(__dirname, "..");
const APP = path.join(root, "dist", "main.js");

function buildApp() {
  require("esbuild").buildSync({
    entryPoints: [path.join(root, "main.ts")],
    outfile: APP,
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return APP;
}

module.exports = { buildApp, APP };

if (require.main === module) buildApp();
