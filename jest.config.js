/** Unit tests: synthesis and configuration, no Terraform CLI. */
module.exports = {
  testEnvironment: "node",
  // jest's default is one worker fewer than there are cores: one worker on a 2-core machine. Its own
  // process only waits for the workers, so use every core (`npm run bench -- --suites` measures the suite).
  maxWorkers: "100%",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/__tests__/terraform/", "/__tests__/package/", "/__tests__/docs-run/"],
  transform: { "^.+\\.ts$": "<rootDir>/scripts/jest-transform.js" },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
};
