// Runs a CommonJS file, here the synthesis bundle (dist/main.bundle.js, 4 MB), with V8's code cache:
// the bytecode V8 compiled for it on an earlier run, kept beside it as `.NAME.v8-cache`. Compiling the
// bundle is about a tenth of a synth; with the cache V8 skips it. The cache holds compiled code only,
// never values from a run. V8 checks it against the source and its own version and flags and refuses
// a cache that does not match; the file is then compiled as usual and the cache written again, at
// exit, so that it also holds the functions the run compiled. A cache that cannot be written (a
// read-only checkout) only costs that time.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

const cacheFileOf = (filename) => path.join(path.dirname(filename), `.${path.basename(filename)}.v8-cache`);

/** Loads `file` as the main module would be loaded, with the code cache; returns its exports. */
function requireWithCodeCache(file) {
  const filename = path.resolve(file);
  const cacheFile = cacheFileOf(filename);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(filename, "utf8")), {
    filename,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        const temporary = `${cacheFile}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, cacheFile);
      } catch {
        // not writable: the next run compiles again
      }
    });
  }
  const module = new Module(filename);
  module.filename = filename;
  const require_ = Module.createRequire(filename); // resolves from the file's own directory
  script.runInThisContext()(module.exports, require_, module, filename, path.dirname(filename));
  module.loaded = true;
  return module.exports;
}

module.exports = { requireWithCodeCache, cacheFileOf };
