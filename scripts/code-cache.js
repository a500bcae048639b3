// Runs a CommonJS file, here the synthesis bundle (dist/main.bundle.js, 4 MB), with V8's code cache:
// the bytecode V8 compiled for it on an earlier run, kept beside it as `.NAME.v8-cache`. Compiling the
// bundle is about a tenth of a synth; with the cache V8 skips it. The cache holds compiled code only,
// never values from a run.
//
// V8 refuses a cache made by another V8 version or with other flags, but of the source it checks only
// the length: a rebuilt bundle of the same length would run the old code. So the cache file starts
// with the identity of the file it was compiled from (device, inode, size, modification time, read
// from the very descriptor the source is read through) and is used only for that file. Every build
// renames a new bundle in, with a new inode and time; a hash of the source would say the same at
// 13 ms a synth. A cache that is missing, refused or for another file is written again at exit, so
// that it also holds the functions the run compiled; one that cannot be written (a read-only
// checkout) only costs that time.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const { Buffer } = require("buffer");

const cacheFileOf = (filename) => path.join(path.dirname(filename), `.${path.basename(filename)}.v8-cache`);

/** The source of `filename`, and the header that names exactly this file in its cache. */
function readSource(filename) {
  const fd = fs.openSync(filename, "r");
  try {
    const { dev, ino, size, mtimeMs } = fs.fstatSync(fd);
    return { source: fs.readFileSync(fd, "utf8"), header: Buffer.from(`${dev}:${ino}:${size}:${mtimeMs}\n`) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The cached data in `cacheFile` if it was made from the file `header` names, else undefined. */
function cachedDataFor(cacheFile, header) {
  let contents;
  try {
    contents = fs.readFileSync(cacheFile);
  } catch {
    return undefined; // no cache yet
  }
  return contents.length > header.length && contents.subarray(0, header.length).equals(header) ? contents.subarray(header.length) : undefined;
}

/** Loads `file` as the main module would be loaded, with the code cache; returns its exports. */
function requireWithCodeCache(file) {
  const filename = path.resolve(file);
  const cacheFile = cacheFileOf(filename);
  const { source, header } = readSource(filename);
  const cachedData = cachedDataFor(cacheFile, header);
  // Dynamic import() from the file goes through Node's own loader where this Node can say so (20.12+).
  const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const script = new vm.Script(Module.wrap(source), {
    filename,
    cachedData,
    ...(dynamicImport === undefined ? {} : { importModuleDynamically: dynamicImport }),
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        const temporary = `${cacheFile}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
        fs.writeFileSync(temporary, Buffer.concat([header, script.createCachedData()]));
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
