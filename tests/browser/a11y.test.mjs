// axe-core on every page, in both languages: no serious or critical violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE, TNG, OPERATOR, launch, signIn, seriousViolations } from "./lib.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test("every page passes axe-core in Indonesian and in English", async () => {
  const op = await signIn(browser, OPERATOR);
  await op.page.goto(`${BASE}/staf/${TNG}`);
  const id = (await op.page.locator("table.queue a").first().textContent()).trim();
  const pages = ["/", `/j/${TNG}`, `/j/${TNG}/lapor`, `/j/${TNG}/lapor?layanan=jalan-rusak`, `/laporan/${id}`, "/lacak",
    "/masuk", "/tidak-ada", `/staf/${TNG}`, `/staf/laporan/${id}`, "/daftar", "/sandi/lupa", "/sandi/baru?t=x",
    "/saya"];
  const found = [];
  for (const lang of ["id", "en"]) {
    await op.context.addCookies([{ name: "laksana_lang", value: lang, url: BASE }]);
    for (const path of pages) {
      await op.page.goto(`${BASE}${path}`);
      assert.equal(await op.page.getAttribute("html", "lang"), lang);
      for (const v of await seriousViolations(op.page)) found.push(`${lang} ${path}: ${v}`);
    }
  }
  assert.deepEqual(found, []);
  await op.context.close();
});
