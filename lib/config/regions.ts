import { AZURE_REGIONS, AZURE_REGIONS_SOURCE } from "./azure-regions";
import { ConfigProblem } from "./errors";

const NAMES = AZURE_REGIONS.map(([name]) => name);
const KNOWN = new Set(NAMES);

/** The rule a region name breaks, as errors and help/configuration.md print it. */
export const REGION_RULE = `one of the ${AZURE_REGIONS.length} Azure public-cloud regions in lib/config/azure-regions.ts, from ${AZURE_REGIONS_SOURCE}`;

/**
 * `location` is a region Azure knows: a typo (`eastu`) would otherwise synthesize and plan, and fail
 * only at apply, after the resource group. `locationUnlisted` lets a region through that the table
 * does not know yet (Azure adds regions) or that is not in the public cloud; its form is still checked.
 * @param suggest the loader's "did you mean", which finds the closest known name
 */
export function regionProblems(
  config: { readonly location?: string; readonly locationUnlisted?: boolean },
  suggest: (value: string, known: readonly string[]) => string | undefined,
): ConfigProblem[] {
  const { location, locationUnlisted } = config;
  if (location === undefined || locationUnlisted === true || KNOWN.has(location)) return [];
  const closest = suggest(location, NAMES);
  return [
    {
      path: "location",
      value: location,
      problem: "is not an Azure public-cloud region",
      fix:
        `${closest === undefined ? "" : `did you mean "${closest}"? `}use a name from \`az account list-locations -o table\`; ` +
        "for a region newer than the table (or another cloud's), set locationUnlisted: true",
      rule: REGION_RULE,
    },
  ];
}
