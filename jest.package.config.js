/** The package test: npm pack, npm ci of the tarball into a scratch app (offline), tsc and synth there. */
const unit = require("./jest.config.js");

module.exports = {
  ...unit,
  roots: ["<rootDir>/__tests__/package"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 300000,
};
