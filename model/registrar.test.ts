import { describe, expect, it } from "vitest";
import { releaseByKey, releaseByName, reserve, type Registrar } from "./registrar.ts";

describe("name registrar (internal/registrar/registrar.go)", () => {
  it("reserves a free name and is idempotent for the same key", () => {
    const index: Registrar = {};
    expect(reserve(index, "c_p_default_uid-p_0", "X")).toEqual({ ok: true });
    expect(reserve(index, "c_p_default_uid-p_0", "X")).toEqual({ ok: true });
    expect(index).toEqual({ "c_p_default_uid-p_0": "X" });
  });

  it("refuses a name held by another key with the real error text", () => {
    const index: Registrar = { n: "X" };
    expect(reserve(index, "n", "Y")).toEqual({ ok: false, error: 'name "n" is reserved for "X"' });
    expect(index).toEqual({ n: "X" });
  });

  it("refuses a second name for a key that already holds one", () => {
    const index: Registrar = { n: "X" };
    expect(reserve(index, "m", "X")).toEqual({ ok: false, error: 'key "X" is reserved for "n"' });
  });

  it("releases by name and by key, and releasing what is absent is a no-op", () => {
    const index: Registrar = { n: "X", m: "Y" };
    releaseByName(index, "n");
    releaseByKey(index, "Y");
    releaseByKey(index, "Z");
    releaseByName(index, "absent");
    expect(index).toEqual({});
  });
});
