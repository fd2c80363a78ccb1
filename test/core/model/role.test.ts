import { describe, expect, it } from "vitest";
import { grantsAllow, type RoleGrant } from "../../../src/core/model/role.js";

describe("grantsAllow", () => {
  const manager: RoleGrant[] = [{ role: "initiative_manager", scope: "initiative:7" }];

  it("counts an initiative scope for initiative managers anywhere", () => {
    expect(grantsAllow(manager, "initiative_manager")).toBe(true);
    expect(grantsAllow(manager, "initiative_manager", "any")).toBe(true);
  });

  it("does not let an initiative scope stand for another role or for an area", () => {
    expect(grantsAllow(manager, "moderator")).toBe(false);
    expect(grantsAllow([{ role: "moderator", scope: "initiative:7" }], "moderator")).toBe(false);
    expect(grantsAllow(manager, "initiative_manager", ["hammah"])).toBe(false);
  });

  it("keeps area scopes and admins as before", () => {
    expect(grantsAllow([{ role: "moderator", scope: "area:hammah" }], "moderator")).toBe(true);
    expect(grantsAllow([{ role: "moderator", scope: "area:hammah" }], "moderator", ["burweg"])).toBe(false);
    expect(grantsAllow([{ role: "admin", scope: "*" }], "initiative_manager", ["burweg"])).toBe(true);
    expect(grantsAllow([{ role: "admin", scope: "area:hammah" }], "admin", [])).toBe(false);
  });
});
