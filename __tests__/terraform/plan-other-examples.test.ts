import { CONFIGS, describePlans } from "./plans";

// The second half of the configurations; the first half runs in a parallel worker.
describePlans(CONFIGS.filter((_, i) => i % 2 === 1));
