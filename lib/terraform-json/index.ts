/**
 * The one toolkit for reading synthesized Terraform JSON and plans: blocks, references, addresses,
 * the stack file, and the Markdown that reports about them are written in. Imports only lib/private.
 */
export * from "./address";
export * from "./blocks";
export * from "./json";
export * from "./markdown";
export * from "./plan";
export * from "./references";
export * from "./stack-file";
