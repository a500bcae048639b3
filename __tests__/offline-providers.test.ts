import * as fs from "fs";
import * as os from "os";
import * as path from "path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { mirrorDirectory, mirrorProviders } = require("../scripts/offline-providers.js") as {
  mirrorDirectory(cliConfig: string): string | undefined;
  mirrorProviders(mirror: string): { address: string; executable: string }[];
};

describe("the shared providers of the Terraform suite (scripts/offline-providers.js)", () => {
  test("reads the filesystem mirror's path from a Terraform CLI configuration", () => {
    const config = [
      "provider_installation {",
      "  filesystem_mirror {",
      '    path    = "/tmp/offline-tf/mirror"',
      '    include = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "  direct {",
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "}",
    ].join("\n");
    expect(mirrorDirectory(config)).toBe("/tmp/offline-tf/mirror");
    expect(mirrorDirectory('provider_installation {\n  direct {}\n}\ncredentials "app.terraform.io" { token = "x" }')).toBeUndefined();
  });

  test("starts only providers with one version and one platform in the mirror: with more, Terraform chooses", () => {
    const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "aks-wi-mirror-"));
    try {
      const install = (type: string, version: string, platform: string) => {
        const dir = path.join(mirror, "registry.terraform.io", "hashicorp", type, version, platform);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `terraform-provider-${type}_v${version}`), "#!/bin/sh\n", { mode: 0o755 });
        return path.join(dir, `terraform-provider-${type}_v${version}`);
      };
      const azurerm = install("azurerm", "4.55.0", "linux_amd64");
      install("random", "3.7.2", "linux_amd64");
      install("random", "3.6.0", "linux_amd64");
      install("time", "0.13.1", "linux_amd64");
      install("time", "0.13.1", "darwin_arm64");
      fs.mkdirSync(path.join(mirror, "registry.terraform.io", "hashicorp", "empty", "1.0.0", "linux_amd64"), { recursive: true });

      expect(mirrorProviders(mirror)).toEqual([{ address: "registry.terraform.io/hashicorp/azurerm", executable: azurerm }]);
      expect(mirrorProviders(path.join(mirror, "missing"))).toEqual([]);
    } finally {
      fs.rmSync(mirror, { recursive: true, force: true });
    }
  });
});
