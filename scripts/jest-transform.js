// jest transform: TypeScript to CommonJS with esbuild, no type-checking (`npm run typecheck` does that).
// ts-jest loads the TypeScript compiler into every worker and transpiles with it; esbuild takes about a
// millisecond a file. The source map goes to jest with the code, so a failing test still points at the .ts line.
const crypto = require("crypto");
const { transformSync, version } = require("esbuild");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "node20",
      sourcemap: "external",
      sourcefile: filename,
      sourcesContent: false,
    });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return crypto.createHash("sha256").update(version).update("\0").update(filename).update("\0").update(source).digest("hex");
  },
};
