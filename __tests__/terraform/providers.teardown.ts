export { stopSharedProviders as default } from "./providers.setup";
