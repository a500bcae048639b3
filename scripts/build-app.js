// Compiles main.ts (and scripts/config.ts) with lib/ into dist/ for `cdktf synth`, without type-checking (that is
// `npm run typecheck`'s job): esbuild takes milliseconds where tsc takes seconds on every synth.
// Packages stay external, so provider classes still load one resource module at a time.
const path = require("path");

const root = path.join(__dirname, "..");
const APP = path.join(root, "dist", "main.js");

function buildApp() {
  require("esbuild").buildSync({
    entryPoints: { main: path.join(root, "main.ts"), config: path.join(root, "scripts", "config.ts") },
    outdir: path.join(root, "dist"),
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
