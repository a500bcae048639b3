import { CONFIGS, describePlans } from "./plans";

// The first half of the configurations; the other half runs in a parallel worker.
describePlans(CONFIGS.filter((_, i) => i % 2 === 0));
