import { DataTerraformRemoteStatePg, TerraformBackend, TerraformRemoteState } from "cdktf";
import { Construct } from "constructs";

/**
 * Terraform's `pg` backend with no connection string in the configuration: Terraform reads it
 * from PG_CONN_STR, so the database password never lands in cdk.tf.json. (cdktf's PgBackend
 * requires `connStr`.)
 */
export class PgBackendFromEnvironment extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly schemaName?: string,
  ) {
    super(scope, "backend", "pg");
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return this.schemaName === undefined ? {} : { schema_name: this.schemaName };
  }

  public getRemoteStateDataSource(scope: Construct, name: string): TerraformRemoteState {
    const connStr = process.env.PG_CONN_STR;
    if (!connStr) throw new Error("reading this stack's state from another stack needs PG_CONN_STR");
    return new DataTerraformRemoteStatePg(scope, name, { connStr, schemaName: this.schemaName });
  }
}
