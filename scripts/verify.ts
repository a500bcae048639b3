import { verifyMain } from "../lib/commands/verify";

verifyMain();
