//! The citizens' pages as a browser without JavaScript meets them: languages, the home page and its
//! map points, a report's page, reporting through the form (mistakes, kept photos, the receipt),
//! tracking with the follow-up code, confirming and rating, and what never shows on a public page.

use laksana_core::access::Role;
use serde_json::json;

use crate::both;
use crate::helpers::{TNG, TestApp};

/// A small valid PNG.
fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([200, 30, 30]))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

impl TestApp {
    /// A page as a browser asks for it: (status, headers, body).
    async fn page(&self, path: &str, lang: Option<&str>) -> (u16, reqwest::header::HeaderMap, String) {
        let mut req = self.client.get(self.url(path));
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.headers().clone(), res.text().await.unwrap())
    }

    /// A form POSTed from one of our pages (the browser says where it comes from).
    async fn post_page(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = self.client.post(self.url(path)).header("origin", &self.base).form(form).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn post_report_form(&self, form: reqwest::multipart::Form) -> (u16, String) {
        let res = self
            .client
            .post(self.url(&format!("/j/{TNG}/lapor")))
            .header("origin", &self.base)
            .multipart(form)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    laksana_store::testing::scalar(&app.db, sql).await
}

/// The text of the first element carrying `class="big-id"` after `after`.
fn big_id_after<'a>(html: &'a str, after: &str) -> &'a str {
    let rest = &html[html.find(after).unwrap_or_else(|| panic!("{after} not in {html}"))..];
    let start = rest.find("class=\"big-id\">").unwrap() + "class=\"big-id\">".len();
    &rest[start..start + rest[start..].find('<').unwrap()]
}

both!(the_home_page_speaks_indonesian_first_and_english_on_request, |app| {
    let (s, h, body) = app.page("/", None).await;
    assert_eq!(s, 200);
    assert!(body.contains("Pilih daerah Anda") && body.contains(&format!("/j/{TNG}")), "{body}");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("style-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert!(!body.contains("<script>") && !body.contains("style="), "no inline script or style");

    let (s, _, body) = app.page(&format!("/j/{TNG}"), None).await;
    assert_eq!(s, 200);
    assert!(body.contains("<html lang=\"id\">") && body.contains("Laporkan"), "{body}");
    assert!(body.contains("Laporan diterima") && body.contains("Laporan terbaru"));
    assert!(body.contains(&format!("/j/{TNG}/lapor")));
    // The browser's language, then the switch (remembered in a cookie) decide.
    let (_, _, en) = app.page(&format!("/j/{TNG}"), Some("en-GB,en;q=0.9")).await;
    assert!(en.contains("<html lang=\"en\">") && en.contains("Reports received"), "{en}");
    let res = app.get(&format!("/bahasa?to=en&back=/j/{TNG}")).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], format!("/j/{TNG}").as_str(), "back to the page");
    let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = raw.get(app.url("/bahasa?to=en&back=//evil.example")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(res.headers()["location"], "/", "never sends the visitor to another site");
    assert!(res.headers()["set-cookie"].to_str().unwrap().starts_with("laksana_lang=en"));
    let res = raw
        .get(app.url(&format!("/j/{TNG}")))
        .header("cookie", "laksana_lang=en")
        .header("accept-language", "id")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("Reports received"), "the switch wins over Accept-Language");

    // Static files: long-cached under a versioned URL.
    let css = body.split("href=\"").find_map(|s| s.split('"').next().filter(|u| u.ends_with("app.css"))).unwrap();
    let res = app.get(css).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    // An unknown page is a page too, in the visitor's language.
    let (s, h, body) = app.page("/tidak/ada", Some("en")).await;
    assert_eq!(s, 404);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(body.contains("Page not found"), "{body}");
    let (s, _, _) = app.page("/j/tidak-ada.go.id", None).await;
    assert_eq!(s, 404);
});

both!(map_points_come_by_bounding_box_and_hide_rahasia_reports, |app| {
    let (public, _) = app.report("pju-mati", "publik", None).await;
    let (secret, _) = app.report("pju-mati", "rahasia", None).await;
    let (s, v) = app.get_json(&format!("/j/{TNG}/peta.json?bbox=106.5,-6.4,106.8,-6.0")).await;
    assert_eq!(s, 200);
    assert_eq!(v["type"], "FeatureCollection");
    let ids: Vec<&str> =
        v["features"].as_array().unwrap().iter().map(|f| f["properties"]["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&public.as_str()), "{ids:?}");
    assert!(!ids.contains(&secret.as_str()), "a rahasia report is on no map");
    let f = v["features"].as_array().unwrap().iter().find(|f| f["properties"]["id"] == public.as_str()).unwrap();
    assert_eq!(f["properties"]["colour"], "red");
    assert_eq!(f["properties"]["status"], "Baru diterima", "the status in words, not colour alone");
    assert_eq!(f["geometry"]["coordinates"][0], 106.6319);
    // A box elsewhere holds none of them; a malformed box is refused.
    let (_, v) = app.get_json(&format!("/j/{TNG}/peta.json?bbox=110,-8,111,-7")).await;
    assert!(v["features"].as_array().unwrap().iter().all(|f| f["properties"]["id"] != public.as_str()));
    let (s, _) = app.get_json(&format!("/j/{TNG}/peta.json?bbox=106.8,-6.4,106.5,-6.0")).await;
    assert_eq!(s, 400);
    // The home page lists the public report, never the rahasia one or a reporter's name.
    let (_, _, home) = app.page(&format!("/j/{TNG}"), None).await;
    assert!(home.contains(&public) && !home.contains(&secret));
    assert!(!home.contains("Rahmawati") && !home.contains("081234567890"));
    // The rahasia report's own page does not exist for the public.
    let (s, _, page) = app.page(&format!("/laporan/{secret}"), None).await;
    assert_eq!(s, 404, "{page}");
    let (s, _, page) = app.page(&format!("/laporan/{public}"), None).await;
    assert_eq!(s, 200);
    assert!(page.contains("Baru diterima") && page.contains("status big red"));
    assert!(!page.contains("Siti") && !page.contains("Rahmawati"), "no identity on a public page");
});

both!(a_citizen_reports_through_the_form_without_javascript, |app| {
    let (s, _, pick) = app.page(&format!("/j/{TNG}/lapor?cari=lampu"), None).await;
    assert_eq!(s, 200);
    assert!(pick.contains("layanan=pju-mati") && !pick.contains("layanan=ktp-kk"), "the search works without script");
    let (s, _, form) = app.page(&format!("/j/{TNG}/lapor?layanan=pju-mati"), None).await;
    assert_eq!(s, 200);
    assert!(form.contains("enctype=\"multipart/form-data\"") && form.contains("name=\"photo\""));
    assert!(form.contains("value=\"rahasia\""), "the privacy choice");

    // Mistakes come back beside their fields, with what was typed and the photo kept.
    let first = reqwest::multipart::Form::new()
        .text("layanan", "pju-mati")
        .text("description", "mati")
        .text("first_name", "Budi")
        .text("privacy", "anonim")
        .part("photo", reqwest::multipart::Part::bytes(png()).file_name("lampu.png").mime_str("image/png").unwrap());
    let (s, body) = app.post_report_form(first).await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("id=\"description-error\"") && body.contains("id=\"location-error\""), "{body}");
    assert!(body.contains(">mati</textarea>") && body.contains("value=\"Budi\""), "typed text kept");
    let staged = body
        .split("name=\"staged\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the photo is kept")
        .to_owned();

    // Sent again, right: stored with the kept photo, and the receipt gives the id and the code.
    let second = reqwest::multipart::Form::new()
        .text("layanan", "pju-mati")
        .text("description", "Lampu jalan mati sejak seminggu di depan masjid")
        .text("lat", "-6.1783")
        .text("lon", "106.6319")
        .text("first_name", "Budi")
        .text("privacy", "anonim")
        .text("staged", staged.clone());
    let (s, body) = app.post_report_form(second).await;
    assert_eq!(s, 201, "{body}");
    let id = big_id_after(&body, "Nomor laporan Anda").to_owned();
    let code = big_id_after(&body, "Kode tindak lanjut Anda").to_owned();
    assert!(body.contains("paling lambat"), "what happens next, by when: {body}");
    let stored = count(
        &app,
        &format!("SELECT COUNT(*) FROM reports WHERE public_id = '{id}' AND channel = 'web' AND privacy = 'anonim' AND api_key_id IS NULL"),
    )
    .await;
    assert_eq!(stored, 1, "a web report, anonim, with no API key");
    let (_, v) = app.get_json(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(v["media_urls"].as_array().map(Vec::len), Some(1), "the kept photo is the report's: {v}");
    assert!(!app.media_dir().join(".staged").join(&staged).exists(), "and no longer staged");
    // Its page shows the photo but, anonim, not the reporter's name.
    let (s, _, page) = app.page(&format!("/laporan/{id}"), None).await;
    assert_eq!(s, 200);
    assert!(page.contains("/media/") && !page.contains("Budi"), "{page}");

    // Tracking with the code shows the reporter's page; a wrong code does not, and is counted.
    let (s, body) = app.post_page("/lacak", &[("id", &id.to_lowercase()), ("code", &code)]).await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains(&id));
    let (s, body) = app.post_page("/lacak", &[("id", &id), ("code", "SALAHSALAH")]).await;
    assert_eq!(s, 403);
    assert!(body.contains("tidak cocok"), "{body}");

    // A form sent from another site is refused.
    let res =
        app.client.post(app.url("/lacak")).form(&[("id", id.as_str()), ("code", code.as_str())]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
});

both!(the_reporter_confirms_and_rates_on_the_report_page, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (id, code) = app.report("pju-mati", "publik", None).await;
    for (key, body) in [
        (&operator, json!({"action": "verify", "expected_status": "submitted"})),
        (&officer, json!({"action": "plan", "expected_status": "dispositioned", "plan": "Ganti lampu"})),
        (&officer, json!({"action": "resolve", "expected_status": "in_progress", "evidence": "Lampu sudah diganti"})),
    ] {
        let (s, v) = app.act(Some(key), None, &id, body).await;
        assert_eq!(s, 200, "{v}");
    }
    let (_, _, page) = app.page(&format!("/laporan/{id}"), None).await;
    assert!(page.contains("status big green") && page.contains("Lampu sudah diganti"), "green with the evidence");
    assert!(!page.contains("name=\"action\""), "no reporter's forms without the code");
    // The survey without its signed link says so and points to the tracking form for this report.
    let res = app.client.get(app.url(&format!("/r/{id}/survey"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(res.text().await.unwrap().contains(&format!("/lacak?id={id}")));

    let (_, tracked) = app.post_page("/lacak", &[("id", &id), ("code", &code)]).await;
    assert!(tracked.contains("value=\"confirm\"") && tracked.contains("value=\"reopen\""), "{tracked}");
    // A rating out of range is explained, nothing changes.
    let (s, body) = app
        .post_page(
            &format!("/laporan/{id}"),
            &[("code", &code), ("action", "confirm"), ("status", "resolved"), ("rating", "9")],
        )
        .await;
    assert_eq!(s, 200);
    assert!(body.contains("antara 1 dan 5"), "{body}");
    // A stale page (the reporter saw another status) gets the report as it is now.
    let (_, body) = app
        .post_page(
            &format!("/laporan/{id}"),
            &[("code", &code), ("action", "confirm"), ("status", "in_progress"), ("rating", "4")],
        )
        .await;
    assert!(body.contains("baru saja berubah"), "{body}");
    let (s, body) = app
        .post_page(
            &format!("/laporan/{id}"),
            &[("code", &code), ("action", "confirm"), ("status", "resolved"), ("rating", "4")],
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("Terima kasih") && body.contains("status big green") && body.contains("Selesai"), "{body}");
    let (_, v) = app.get_json(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(v["status"], "closed", "{v}");
    assert_eq!(count(&app, &format!("SELECT rating FROM reports WHERE public_id = '{id}'")).await, 4);
});

both!(a_citizen_may_follow_the_same_problem_instead_of_reporting_it_again, |app| {
    let (original, _) = app.report("pju-mati", "publik", None).await;
    let (secret, _) = app.report("pju-mati", "rahasia", None).await;
    // The same service about 50 m away, with a photo.
    let form = || {
        reqwest::multipart::Form::new()
            .text("layanan", "pju-mati")
            .text("description", "Lampu jalan di depan warung mati total")
            .text("lat", "-6.1787")
            .text("lon", "106.6320")
            .text("privacy", "publik")
            .text("email", "tetangga@warga.test")
    };
    let with_photo = form()
        .part("photo", reqwest::multipart::Part::bytes(png()).file_name("lampu.png").mime_str("image/png").unwrap());
    let (s, page) = app.post_report_form(with_photo).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("sudah dilaporkan") && page.contains(&original), "{page}");
    assert!(!page.contains(&secret), "a rahasia report is never offered");
    assert!(page.contains("m dari lokasi Anda"));
    assert!(page.contains("name=\"staged\""), "the photo is kept for sending anyway");
    // Following it: counted on the original, and its notices reach the follower.
    let (s, done) = app.post_page(&format!("/laporan/{original}/ikuti"), &[("email", "tetangga@warga.test")]).await;
    assert_eq!(s, 200, "{done}");
    assert!(done.contains("tetangga@warga.test"));
    let (s, again) = app.post_page(&format!("/laporan/{original}/ikuti"), &[("email", "Tetangga@Warga.test")]).await;
    assert_eq!(s, 200);
    assert!(again.contains("sudah mengikuti"), "following twice counts once: {again}");
    let (_, _, shown) = app.page(&format!("/laporan/{original}"), None).await;
    assert!(shown.contains("1 warga lain"), "{shown}");
    let (s, _) = app.post_page(&format!("/laporan/{secret}/ikuti"), &[("email", "x@warga.test")]).await;
    assert_eq!(s, 404, "a rahasia report cannot be followed");
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (s, v) =
        app.act(Some(&operator), None, &original, json!({"action": "verify", "expected_status": "submitted"})).await;
    assert_eq!(s, 200, "{v}");
    let plan = json!({"action": "plan", "expected_status": "dispositioned", "plan": "Ganti lampu besok"});
    let (s, v) = app.act(Some(&officer), None, &original, plan).await;
    assert_eq!(s, 200, "{v}");
    let mails = app.mails().await;
    assert!(
        mails.iter().any(|(to, m)| to.contains("tetangga@warga.test") && m.contains("Ganti lampu besok")),
        "the follower hears of the report's progress"
    );
    // Sending it anyway, after seeing the list: a new report, with the kept photo.
    let staged = body_value(&page, "staged");
    let anyway = form().text("nearby_seen", "1").text("staged", staged);
    let (s, body) = app.post_report_form(anyway).await;
    assert_eq!(s, 201, "{body}");
    let id = big_id_after(&body, "Nomor laporan Anda").to_owned();
    let (_, v) = app.get_json(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(v["media_urls"].as_array().map(Vec::len), Some(1), "{v}");
});

/// The value of the first input named `name` on a page.
fn body_value(html: &str, name: &str) -> String {
    let start = html.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

both!(citizen_pages_weigh_at_most_100_kb_compressed, |app| {
    let (id, _) = app.report("pju-mati", "publik", None).await;
    let compressed = |path: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move {
            let res = client.get(url).header("accept-encoding", "gzip").send().await.unwrap();
            assert_eq!(res.status().as_u16(), 200, "{path}");
            let gzip = res.headers().get("content-encoding").is_some_and(|v| v == "gzip");
            let body = res.bytes().await.unwrap();
            (gzip, body)
        }
    };
    for page in [
        format!("/j/{TNG}"),
        format!("/j/{TNG}/lapor"),
        format!("/j/{TNG}/lapor?layanan=jalan-rusak"),
        format!("/laporan/{id}"),
        "/lacak".into(),
    ] {
        let (gzip, html) = compressed(page.clone()).await;
        assert!(gzip, "{page} is sent compressed");
        let text = app.get_text(&page).await.2;
        let mut total = html.len();
        for asset in text.split('"').filter(|s| s.starts_with("/static/")) {
            let (_, body) = compressed(asset.to_owned()).await;
            total += body.len();
        }
        assert!(total <= 100 * 1024, "{page}: {total} bytes compressed, photos and tiles aside");
    }
});
