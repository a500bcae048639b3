import { describeValidConfigurations, SEED } from "./property-valid";

// 250 of the 500 valid cases; config.property.valid-2.test.ts runs the other 250 in parallel.
describeValidConfigurations(SEED, 250);
