import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Starts one shared Synapse for Matrix end-to-end tests (skips loudly when unavailable).
    globalSetup: ["test/support/matrix/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
