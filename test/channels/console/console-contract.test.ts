import { runChannelContract } from "../channel-contract.js";
import { createConsoleHarness } from "./console-harness.js";

runChannelContract("terminal", createConsoleHarness);
