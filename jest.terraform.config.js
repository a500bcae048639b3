/** The real-Terraform suite: init, validate and plan every shipped configuration. Settings as the unit suite's. */
const unit = require("./jest.config.js");

module.exports = {
  ...unit,
  roots: ["<rootDir>/__tests__/terraform"],
  testPathIgnorePatterns: ["/node_modules/"],
  // With the offline stand-ins, each provider runs once for the whole suite (providers.setup.ts).
  globalSetup: "<rootDir>/__tests__/terraform/providers.setup.ts",
  globalTeardown: "<rootDir>/__tests__/terraform/providers.teardown.ts",
  testTimeout: 300000,
};
