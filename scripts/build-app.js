// Compiles main.ts and lib/ into one file for `cdktf synth`, without type-checking (that is
// `npm run typecheck`'s job): esbuild takes milliseconds where tsc takes seconds on every synth.
// Packages stay external, so provider classes still load per resource module.
require("esbuild").buildSync({
  entryPoints: [require("path").join(__dirname, "..", "main.ts")],
  outfile: require("path").join(__dirname, "..", "dist", "main.js"),
  bundle: true,
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});
