/** The real-Terraform suite: init, validate and plan every shipped configuration. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__/terraform"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  testTimeout: 300000,
};
