// Stands in for the `archiver` package where cdktf is loaded into a process that never zips: the
// synthesis bundle (scripts/build-app.js) and the unit tests (jest.config.js).
//
// cdktf requires archiver when it starts, only to zip ARCHIVE TerraformAssets, and it zips in a child
// process that runs cdktf's own private/fs.js as a script; the process that synthesizes never calls it.
// Loading archiver and its streams was a tenth of a synth (0.35 s -> 0.31 s without it) and as much
// again in every unit-test file. This stack has no assets. In the bundle the child could not run
// anyway (it would run the bundle), so a stack with archives must leave `main` unbundled; if this
// function is ever called, it says so.
"use strict";

module.exports = function archiver() {
  throw new Error(
    "archiver is not loaded here (scripts/no-archiver.js): cdktf zips ARCHIVE assets in a child process, " +
      "which the synthesis bundle cannot start; build `main` unbundled (scripts/build-app.js) to use assets",
  );
};
