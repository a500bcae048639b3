import { TerraformElement, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { configurationFingerprint, configurationMetadata } from "../config/fingerprint";
import { AppConfig } from "../config/types";

/** Construct id of the element; it renders no Terraform block, only metadata. */
export const CONFIGURATION_RECORD_ID = "ConfigurationRecord";

/** Records the configuration's fingerprint in cdk.tf.json for `npm run policy` and `npm run diagram` (see fingerprint.ts). */
class ConfigurationRecord extends TerraformElement {
  constructor(
    scope: Construct,
    id: string,
    private readonly fingerprint: string,
  ) {
    super(scope, id);
  }

  public toMetadata(): Record<string, unknown> {
    return configurationMetadata(this.fingerprint);
  }
}

/** Adds the record to `stack`: the app does, for what it synthesizes; the constructs stay free of it. */
export function recordConfiguration(stack: TerraformStack, config: AppConfig): void {
  new ConfigurationRecord(stack, CONFIGURATION_RECORD_ID, configurationFingerprint(config));
}
