import { describeValidConfigurations, SEED } from "./property-valid";

// 250 of the 500 valid cases, from another seed; config.property.valid-1.test.ts runs the first 250.
describeValidConfigurations(SEED + 1, 250);
