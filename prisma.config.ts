import { defineConfig } from "prisma/config";

// The CLI is only used for `prisma generate` here; migrations run through src/storage/migrations.ts.
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
});
