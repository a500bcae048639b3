/** The real-Terraform suite: init, validate and plan every shipped configuration. */
module.exports = {
  testEnvironment: "node",
  // jest's default is one worker fewer than there are cores: one worker on a 2-core machine. Its own
  // process only waits for the workers, so use every core (42 s instead of 54 s for the unit suite).
  maxWorkers: "100%",
  roots: ["<rootDir>/__tests__/terraform"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-transform.js" },
  // cdktf loads archiver at start-up and never calls it in-process (scripts/no-archiver.js says why).
  moduleNameMapper: { "^archiver$": "<rootDir>/scripts/no-archiver.js" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // With the offline stand-ins, each provider runs once for the whole suite (providers.setup.ts).
  globalSetup: "<rootDir>/__tests__/terraform/providers.setup.ts",
  globalTeardown: "<rootDir>/__tests__/terraform/providers.teardown.ts",
  testTimeout: 300000,
};
