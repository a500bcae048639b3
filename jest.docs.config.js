/**
 * The documentation's shell blocks, run as written (__tests__/docs-run/): a suite of its own, so that the
 * real-Terraform suite keeps its time budget. Same stand-in providers and settings as that suite.
 */
const terraform = require("./jest.terraform.config.js");

module.exports = {
  ...terraform,
  roots: ["<rootDir>/__tests__/docs-run"],
};
