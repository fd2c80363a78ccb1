import { createServer, type Server, type Socket } from "node:net";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseConnectionError, describePostgresUrl, openDatabase } from "../../src/storage/database.js";

const silent = pino({ level: "silent" });

describe("describePostgresUrl", () => {
  it("names host, port and database but never the password", () => {
    const described = describePostgresUrl("postgresql://bot:s3cret@db.example:6543/mitreden");
    expect(described).toEqual({ host: "db.example", port: "6543", database: "mitreden" });
    expect(JSON.stringify(described)).not.toContain("s3cret");
  });
});

describe("openDatabase", () => {
  it("opens an in-memory PGlite, migrated and usable through Prisma", async () => {
    const db = await openDatabase({ memory: true, logger: silent });
    try {
      expect(db.kind).toBe("pglite");
      await db.prisma.area.create({ data: { slug: "estorf", name: "Estorf", population: 1428 } });
      expect(await db.prisma.area.count()).toBe(1);
    } finally {
      await db.close();
    }
    // close() is idempotent.
    await db.close();
  }, 180_000);

  it("refuses a URL that is not PostgreSQL", async () => {
    await expect(openDatabase({ databaseUrl: "mysql://x@127.0.0.1/db", logger: silent })).rejects.toThrow(/postgres:\/\//);
  });

  it("fails fast with a clear message, without the password, when the port is closed", async () => {
    const started = Date.now();
    const error = await openDatabase({ databaseUrl: "postgres://postgres:s3cret@127.0.0.1:1/mitreden", logger: silent }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    const message = (error as Error).message;
    expect(message).toContain("127.0.0.1:1");
    expect(message).toContain('"mitreden"');
    expect(message).not.toContain("s3cret");
  });

  describe("against a server that accepts but never answers", () => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    const listening = new Promise<number>((resolve) => {
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        resolve(typeof address === "object" && address ? address.port : 0);
      });
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("gives up after connectTimeoutMs", async () => {
      const port = await listening;
      const started = Date.now();
      const error = await openDatabase({
        databaseUrl: `postgres://postgres:s3cret@127.0.0.1:${port}/mitreden`,
        connectTimeoutMs: 500,
        logger: silent,
      }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(DatabaseConnectionError);
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(3000);
      expect((error as Error).message).toContain(`127.0.0.1:${port}`);
      expect((error as Error).message).not.toContain("s3cret");
    });
  });
});
