//! The admin pages as a browser without JavaScript meets them: the catalog at a glance, the service
//! editor with its attribute rows, the district upload with its preview, the record of changes, and
//! the refusals for other roles and other jurisdictions.

use laksana_core::access::{Grant, Role};

use crate::both;
use crate::helpers::{TNG, TestApp};

const PASSWORD: &str = "sandi-admin-yang-panjang";

impl TestApp {
    /// Signs in a new account holding `role` in Tangerang; its session cookie.
    pub(crate) async fn signed_in(&self, email: &str, role: Role) -> String {
        let now = laksana_core::Clock::now(&*self.clock);
        let new = laksana_store::users::NewUser {
            email: email.into(),
            display_name: email.into(),
            language: "id".into(),
            password: Some(PASSWORD.into()),
        };
        let grant = Grant::new(role, Some(TNG.into()), None).unwrap();
        laksana_store::users::create_with_grant(&self.db, &new, &grant, "test", now).await.unwrap();
        let res = self
            .client
            .post(self.url("/masuk"))
            .header("origin", &self.base)
            .form(&[("email", email), ("password", PASSWORD), ("kembali", "/staf")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
        res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned()
    }

    pub(crate) async fn admin_get(&self, cookie: &str, path: &str) -> (u16, String) {
        let res = self.client.get(self.url(path)).header("cookie", cookie).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    pub(crate) async fn admin_post(&self, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = self
            .client
            .post(self.url(path))
            .header("cookie", cookie)
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let to = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, to + &res.text().await.unwrap())
    }

    async fn upload_districts(&self, cookie: &str, form: reqwest::multipart::Form) -> (u16, String) {
        let res = self
            .client
            .post(self.url(&format!("/admin/{TNG}/wilayah")))
            .header("cookie", cookie)
            .header("origin", &self.base)
            .multipart(form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let to = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, to + &res.text().await.unwrap())
    }
}

both!(an_admin_edits_services_and_their_attributes_in_the_browser, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let (s, home) = app.admin_get(&admin, &format!("/admin/{TNG}")).await;
    assert_eq!(s, 200);
    assert!(home.contains("Jalan Rusak / Berlubang") && home.contains("DPUPR"), "services and agencies are listed");
    let (s, form) = app.admin_get(&admin, &format!("/admin/{TNG}/layanan/-")).await;
    assert_eq!(s, 200);
    assert!(form.contains("name=\"a0_code\"") && form.contains("name=\"a1_code\""), "blank attribute rows");

    // A list without choices is refused next to what was typed.
    let path = format!("/admin/{TNG}/layanan");
    let mut fields = vec![
        ("is_new", "1"),
        ("code", "lampu-taman"),
        ("name", "Lampu Taman Mati"),
        ("kind", "pengaduan"),
        ("sla_tier", "normatif"),
        ("agency", "DISPERKIM"),
        ("active", "1"),
        ("a0_code", "jumlah"),
        ("a0_variable", "1"),
        ("a0_datatype", "singlevaluelist"),
        ("a0_order", "1"),
        ("a0_description", "Berapa lampu yang mati?"),
        ("a0_required", "1"),
        ("a0_values", ""),
        ("a1_code", ""),
        ("a1_variable", "1"),
        ("a1_datatype", "string"),
        ("a1_order", "2"),
    ];
    let (s, page) = app.admin_post(&admin, &path, &fields).await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("a list needs at least one value") && page.contains("value=\"Lampu Taman Mati\""), "{page}");
    fields.retain(|(k, _)| *k != "a0_values");
    fields.push(("a0_values", "satu = Satu lampu\nbanyak = Lebih dari satu"));
    let (s, to) = app.admin_post(&admin, &path, &fields).await;
    assert_eq!((s, to.starts_with(&format!("/admin/{TNG}?selesai=1"))), (303, true), "{to}");
    let (_, def) = app.get_json(&format!("/open311/v2/services/lampu-taman.json?jurisdiction_id={TNG}")).await;
    assert_eq!(def["attributes"][0]["values"][1]["name"], "Lebih dari satu", "{def}");
    // A second service with the same code is not a silent overwrite.
    let (s, page) = app.admin_post(&admin, &path, &fields).await;
    assert_eq!(s, 422);
    assert!(page.contains("is used by another service"), "{page}");
    // The editor shows the attribute; removing it takes it away.
    let (_, form) = app.admin_get(&admin, &format!("/admin/{TNG}/layanan/lampu-taman")).await;
    assert!(form.contains("value=\"jumlah\"") && form.contains("satu = Satu lampu"), "{form}");
    let mut edit: Vec<(&str, &str)> = fields.iter().filter(|(k, _)| *k != "is_new").copied().collect();
    edit.push(("a0_remove", "1"));
    let (s, _) = app.admin_post(&admin, &path, &edit).await;
    assert_eq!(s, 303);
    let (_, def) = app.get_json(&format!("/open311/v2/services/lampu-taman.json?jurisdiction_id={TNG}")).await;
    assert_eq!(def["attributes"], serde_json::json!([]), "{def}");

    // "New agency" with a code that is taken is refused, not an overwrite; the form keeps its code open.
    let taken = [("is_new", "1"), ("code", "DISPERKIM"), ("name", "Lain"), ("active", "1")];
    let (s, page) = app.admin_post(&admin, &format!("/admin/{TNG}/instansi"), &taken).await;
    assert_eq!(s, 422);
    assert!(page.contains("is used by another agency") && !page.contains("readonly"), "{page}");
    // An agency's handler, and the record of all of it.
    let agency =
        [("code", "DISPERKIM"), ("name", "Dinas Perumahan dan Permukiman"), ("handler", "Ibu Sari"), ("active", "1")];
    let (s, _) = app.admin_post(&admin, &format!("/admin/{TNG}/instansi"), &agency).await;
    assert_eq!(s, 303);
    let (s, record) = app.admin_get(&admin, &format!("/admin/{TNG}/aktivitas")).await;
    assert_eq!(s, 200);
    assert!(record.contains("service") && record.contains("created") && record.contains("agency"), "{record}");
});

both!(an_admin_uploads_districts_with_a_preview_and_bad_files_are_explained, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let file = |text: &str| {
        reqwest::multipart::Form::new()
            .part("berkas", reqwest::multipart::Part::text(text.to_owned()).file_name("wilayah.geojson"))
    };
    let (s, page) = app.upload_districts(&admin, file(r#"{"type":"Feature"}"#)).await;
    assert_eq!(s, 422);
    assert!(page.contains("must be a GeoJSON FeatureCollection"), "{page}");
    let open = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"36.71.99","name":"Kec. Baru"},"geometry":{"type":"Polygon","coordinates":[[[106.5,-6.3],[106.51,-6.3],[106.51,-6.29],[106.5,-6.29]]]}}]}"#;
    let (s, page) = app.upload_districts(&admin, file(open)).await;
    assert_eq!(s, 422);
    assert!(page.contains("feature 1 (36.71.99)") && page.contains("is not closed"), "{page}");
    let good = open.replace("[106.5,-6.29]]]", "[106.5,-6.29],[106.5,-6.3]]]");
    let (s, page) = app.upload_districts(&admin, file(&good)).await;
    assert_eq!(s, 200, "{page}");
    assert!(
        page.contains("id=\"district-map\"") && page.contains("Kec. Baru") && page.contains(">baru<"),
        "a preview: {page}"
    );
    assert!(
        !laksana_store::catalog::districts(&app.db, TNG).await.unwrap().iter().any(|d| d.code == "36.71.99"),
        "nothing yet"
    );
    let apply = reqwest::multipart::Form::new().text("geojson", good.clone()).text("terapkan", "1");
    let (s, to) = app.upload_districts(&admin, apply).await;
    assert_eq!(s, 303, "{to}");
    assert!(laksana_store::catalog::districts(&app.db, TNG).await.unwrap().iter().any(|d| d.code == "36.71.99"));
});

both!(other_roles_and_other_jurisdictions_are_refused_the_admin_pages, |app| {
    let operator = app.signed_in("op@kota.test", Role::Operator).await;
    let (s, page) = app.admin_get(&operator, &format!("/admin/{TNG}")).await;
    assert_eq!(s, 403);
    assert!(page.contains("tidak boleh membuka halaman ini"), "{page}");
    let (s, _) = app.admin_post(&operator, &format!("/admin/{TNG}/instansi"), &[("code", "X"), ("name", "X")]).await;
    assert_eq!(s, 403);
    let (s, _) = app.admin_get(&operator, &format!("/admin/{TNG}/aktivitas")).await;
    assert_eq!(s, 403, "the record is for admins and the ombudsman");
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let (s, _) = app.admin_get(&admin, "/admin/tangerangselatankota.go.id").await;
    assert_eq!(s, 403, "another jurisdiction");
    let ombudsman = app.signed_in("ombudsman@kota.test", Role::Ombudsman).await;
    let (s, _) = app.admin_get(&ombudsman, &format!("/admin/{TNG}/aktivitas")).await;
    assert_eq!(s, 200);
    // Not signed in: to the sign-in page.
    let (s, _) = app.admin_post("", &format!("/admin/{TNG}/instansi"), &[("code", "X"), ("name", "X")]).await;
    assert_eq!(s, 303);
});

both!(an_admin_invites_staff_and_hands_out_keys_in_the_browser, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let people = format!("/admin/{TNG}/pengguna");
    let (s, page) = app
        .admin_post(
            &admin,
            &people,
            &[("email", "baru@kota.test"), ("name", "Petugas Baru"), ("role", "officer"), ("agency", "")],
        )
        .await;
    assert_eq!(s, 422, "an officer needs an agency");
    assert!(page.contains("id=\"people-error\""), "{page}");
    let dpupr = app.agency("DPUPR").await.to_string();
    let (s, to) = app
        .admin_post(
            &admin,
            &people,
            &[("email", "baru@kota.test"), ("name", "Petugas Baru"), ("role", "officer"), ("agency", &dpupr)],
        )
        .await;
    assert_eq!(s, 303, "{to}");
    let (_, list) = app.admin_get(&admin, &people).await;
    assert!(list.contains("baru@kota.test") && list.contains("belum membuat kata sandi"), "{list}");
    // The invitation's link sets the first password; then the officer signs in.
    let mail = app
        .mails()
        .await
        .into_iter()
        .find(|(to, _)| to.contains("baru@kota.test"))
        .map(|(_, m)| m.replace("=\r\n", "").replace("=\n", "").replace("=3D", "="))
        .expect("an invitation");
    let at = mail.find("/sandi/baru?t=").expect("a link");
    let token = mail[at + "/sandi/baru?t=".len()..].split(char::is_whitespace).next().unwrap().to_owned();
    let (s, _) = app
        .admin_post(
            "",
            "/sandi/baru",
            &[("token", &token), ("new", "sandi-petugas-baru"), ("repeat", "sandi-petugas-baru")],
        )
        .await;
    assert_eq!(s, 200);
    let signed = app
        .client
        .post(app.url("/masuk"))
        .header("origin", &app.base)
        .form(&[("email", "baru@kota.test"), ("password", "sandi-petugas-baru")])
        .send()
        .await
        .unwrap();
    assert_eq!((signed.status().as_u16(), signed.headers()["location"].to_str().unwrap()), (303, "/staf"));
    // Disabled: no more sign-ins. An admin cannot disable themselves.
    let officer_id = laksana_store::users::find_by_email(&app.db, "baru@kota.test").await.unwrap().unwrap().id;
    let (s, _) = app.admin_post(&admin, &format!("{people}/{officer_id}"), &[("action", "disable")]).await;
    assert_eq!(s, 303);
    let again = app
        .client
        .post(app.url("/masuk"))
        .header("origin", &app.base)
        .form(&[("email", "baru@kota.test"), ("password", "sandi-petugas-baru")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 401);
    let admin_id = laksana_store::users::find_by_email(&app.db, "admin@kota.test").await.unwrap().unwrap().id;
    let (s, _) = app.admin_post(&admin, &format!("{people}/{admin_id}"), &[("action", "disable")]).await;
    assert_eq!(s, 422);

    // A key for a program: shown once, it submits reports; revoked, it is refused at once.
    let keys = format!("/admin/{TNG}/kunci");
    let (s, page) = app.admin_post(&admin, &keys, &[("name", "Aplikasi warga")]).await;
    assert_eq!(s, 200);
    let at = page.find("lks_").expect("the key is shown");
    let key = page[at..].split('<').next().unwrap().to_owned();
    let body =
        serde_json::json!({"service_code": "pju-mati", "description": "Lampu mati", "lat": -6.1783, "long": 106.6319});
    let (s, v) = app.call("POST", "/api/v1/reports", Some(&key), None, Some(body.clone())).await;
    assert_eq!(s, 201, "{v}");
    let (_, list) = app.admin_get(&admin, &keys).await;
    assert!(!list.contains(&key), "never shown again");
    let id = laksana_store::apikeys::list(&app.db, TNG)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.name == "Aplikasi warga")
        .unwrap()
        .id;
    let (s, _) = app.admin_post(&admin, &format!("{keys}/{id}/cabut"), &[]).await;
    assert_eq!(s, 303);
    let (s, _) = app.call("POST", "/api/v1/reports", Some(&key), None, Some(body)).await;
    assert_eq!(s, 403, "revoked at once");
    // Operators may not manage people or keys.
    let operator = app.signed_in("op@kota.test", Role::Operator).await;
    assert_eq!(app.admin_get(&operator, &people).await.0, 403);
    assert_eq!(app.admin_get(&operator, &keys).await.0, 403);
});

both!(an_admin_sets_deadlines_and_holidays_in_the_browser, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let path = format!("/admin/{TNG}/kalender/tenggat");
    let all = |v: &'static str| {
        vec![
            ("verification", v),
            ("plan", "5"),
            ("info_reply", "10"),
            ("confirmation", "10"),
            ("escalation_step", "5"),
            ("reopen_window", "10"),
        ]
    };
    let (s, page) = app.admin_post(&admin, &path, &all("0")).await;
    assert_eq!(s, 422, "{page}");
    let (s, page) = app.admin_post(&admin, &path, &all("dua")).await;
    assert_eq!(s, 422);
    assert!(page.contains("verification"), "{page}");
    let (s, _) = app.admin_post(&admin, &path, &all("4")).await;
    assert_eq!(s, 303);
    let j = laksana_store::catalog::jurisdiction(&app.db, TNG).await.unwrap().unwrap();
    assert_eq!(j.deadlines().verification, 4);
    // A regional holiday, then removed; both on the record.
    let holidays = format!("/admin/{TNG}/kalender/libur");
    let (s, _) = app
        .admin_post(&admin, &holidays, &[("date", "2026-12-28"), ("kind", "libur_daerah"), ("name", "HUT Kota")])
        .await;
    assert_eq!(s, 303);
    let (_, page) = app.admin_get(&admin, &format!("/admin/{TNG}/kalender")).await;
    assert!(page.contains("HUT Kota"), "{page}");
    let (s, page) =
        app.admin_post(&admin, &holidays, &[("date", "2026-13-01"), ("kind", "libur_daerah"), ("name", "X")]).await;
    assert_eq!(s, 422, "{page}");
    let (s, _) = app.admin_post(&admin, &holidays, &[("remove", "2026-12-28")]).await;
    assert_eq!(s, 303);
    let days = laksana_store::catalog::holidays(&app.db, TNG).await.unwrap();
    assert!(!days.iter().any(|h| h.day == "2026-12-28"));
    let acts = laksana_store::testing::scalar(
        &app.db,
        &format!("SELECT COUNT(*) FROM audit_events WHERE jurisdiction_id = '{TNG}' AND subject_kind IN ('holidays', 'jurisdiction') AND actor LIKE 'user:%'"),
    )
    .await;
    assert_eq!(acts, 3, "the deadlines, the holiday added and removed");
});

both!(an_admin_manages_webhooks_in_the_browser_and_the_api, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let path = format!("/admin/{TNG}/webhook");
    let (s, page) = app.admin_post(&admin, &path, &[("url", "ftp://x")]).await;
    assert_eq!(s, 422, "{page}");
    let (s, page) = app.admin_post(&admin, &path, &[("url", "https://hooks.kota.test/laksana?token=rahasia")]).await;
    assert_eq!(s, 200);
    assert!(page.contains("id=\"new-secret\"") && page.contains("whsec_"), "the secret, once: {page}");
    let hook = laksana_store::webhooks::list(&app.db, TNG).await.unwrap()[0].id.to_string();
    let (s, _) = app.admin_post(&admin, &path, &[("id", &hook), ("action", "disable")]).await;
    assert_eq!(s, 303);
    assert!(!laksana_store::webhooks::list(&app.db, TNG).await.unwrap()[0].active);
    let (_, page) = app.admin_get(&admin, &path).await;
    assert!(!page.contains("whsec_"), "never shown again");
    // Through the API too, for admins only.
    let key = app.staff("admin2@kota.test", Role::Admin, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let api = format!("/api/v1/jurisdictions/{TNG}/webhooks/{hook}");
    let (s, _) = app.call("PUT", &api, Some(&operator), None, Some(serde_json::json!({"active": true}))).await;
    assert_eq!(s, 403);
    let (s, _) = app.call("PUT", &api, Some(&key), None, Some(serde_json::json!({"active": true}))).await;
    assert_eq!(s, 204);
    assert!(laksana_store::webhooks::list(&app.db, TNG).await.unwrap()[0].active);
    let (s, _) = app.call("DELETE", &api, Some(&key), None, None).await;
    assert_eq!(s, 204);
    let (s, _) = app.call("DELETE", &api, Some(&key), None, None).await;
    assert_eq!(s, 404);
    assert!(laksana_store::webhooks::list(&app.db, TNG).await.unwrap().is_empty());
    // On the record, without the token in the URL.
    let (_, record) = app.admin_get(&admin, &format!("/admin/{TNG}/aktivitas")).await;
    assert!(record.contains("webhook") && record.contains("deleted") && !record.contains("rahasia"), "{record}");
});

both!(roles_and_keys_are_given_through_the_api_and_the_page, |app| {
    let key = app.staff("admin2@kota.test", Role::Admin, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let path = format!("/api/v1/jurisdictions/{TNG}/apikeys");
    let (s, _) = app.call("POST", &path, Some(&operator), None, Some(serde_json::json!({"name": "X"}))).await;
    assert_eq!(s, 403);
    let (s, v) = app.call("POST", &path, Some(&key), None, Some(serde_json::json!({"name": "Gerbang WhatsApp"}))).await;
    assert_eq!(s, 201, "{v}");
    let made = v["api_key"].as_str().unwrap().to_owned();
    let body =
        serde_json::json!({"service_code": "pju-mati", "description": "Lampu mati", "lat": -6.1783, "long": 106.6319});
    assert_eq!(app.call("POST", "/api/v1/reports", Some(&made), None, Some(body)).await.0, 201);
    // A role through the API, then another through the page.
    let op_id = laksana_store::users::find_by_email(&app.db, "op@kota.test").await.unwrap().unwrap().id;
    let roles = format!("/api/v1/jurisdictions/{TNG}/users/{op_id}/roles");
    let (s, v) = app.call("POST", &roles, Some(&key), None, Some(serde_json::json!({"role": "officer"}))).await;
    assert_eq!(s, 400, "an officer needs an agency: {v}");
    let (s, v) = app.call("POST", &roles, Some(&key), None, Some(serde_json::json!({"role": "leader"}))).await;
    assert_eq!(s, 204, "{v}");
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let dpupr = app.agency("DPUPR").await.to_string();
    let (s, _) = app
        .admin_post(
            &admin,
            &format!("/admin/{TNG}/pengguna/peran"),
            &[("user", &op_id.to_string()), ("role", "officer"), ("agency", &dpupr)],
        )
        .await;
    assert_eq!(s, 303);
    let grants = laksana_store::users::grants_of(&app.db, op_id).await.unwrap();
    let names: Vec<&str> = grants.iter().map(|g| g.role.as_str()).collect();
    assert_eq!(names, ["operator", "leader", "officer"], "{grants:?}");
});

both!(an_admin_sets_the_key_service_text_and_the_logo, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let settings = [
        ("name", "Kota Tangerang"),
        ("time_zone", "Asia/Jakarta"),
        ("contact", "LAKSA Kota Tangerang"),
        ("key_service", "Minta kunci API ke Diskominfo: api@tangerangkota.go.id"),
    ];
    let (s, _) = app.admin_post(&admin, &format!("/admin/{TNG}"), &settings).await;
    assert_eq!(s, 303);
    let (_, d) = app.get_json(&format!("/open311/v2/discovery.json?jurisdiction_id={TNG}")).await;
    assert_eq!(d["key_service"], "Minta kunci API ke Diskominfo: api@tangerangkota.go.id", "{d}");
    // A logo: an image is stored like every photo and shown on the home page; anything else is refused.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([11, 92, 173]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let send = |part: reqwest::multipart::Part| {
        app.client
            .post(app.url(&format!("/admin/{TNG}/logo")))
            .header("cookie", &admin)
            .header("origin", &app.base)
            .multipart(reqwest::multipart::Form::new().part("logo", part))
            .send()
    };
    let res = send(reqwest::multipart::Part::bytes(b"not an image".to_vec()).file_name("logo.png")).await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let res = send(reqwest::multipart::Part::bytes(png).file_name("logo.png")).await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, home) = app.admin_get("", &format!("/j/{TNG}")).await;
    let at =
        home.find("class=\"logo\"").map(|_| home.find("src=\"/media/").unwrap()).expect("the logo is on the home page");
    let src = home[at + 5..].split('"').next().unwrap().to_owned();
    assert_eq!(app.get(&src).await.status().as_u16(), 200, "and served to everyone");
});

both!(a_deployment_admin_creates_a_jurisdiction_in_the_browser, |app| {
    let city_admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let (s, page) = app.admin_get(&city_admin, "/admin").await;
    assert_eq!(s, 200);
    assert!(page.contains(&format!("/admin/{TNG}")) && !page.contains("id=\"create-form\""), "{page}");
    let form = [("id", "kotabaru.go.id"), ("name", "Kota Baru"), ("time_zone", "Asia/Makassar"), ("contact", "")];
    assert_eq!(app.admin_post(&city_admin, "/admin", &form).await.0, 403);
    // An admin of the whole deployment.
    let now = laksana_core::Clock::now(&*app.clock);
    let new = laksana_store::users::NewUser {
        email: "root@laksana.test".into(),
        display_name: "Root".into(),
        language: "id".into(),
        password: Some(PASSWORD.into()),
    };
    laksana_store::users::create_with_grant(&app.db, &new, &Grant::new(Role::Admin, None, None).unwrap(), "test", now)
        .await
        .unwrap();
    let res = app
        .client
        .post(app.url("/masuk"))
        .header("origin", &app.base)
        .form(&[("email", "root@laksana.test"), ("password", PASSWORD), ("kembali", "/admin")])
        .send()
        .await
        .unwrap();
    let root = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let (_, page) = app.admin_get(&root, "/admin").await;
    assert!(page.contains("id=\"create-form\""));
    let (s, page) = app
        .admin_post(&root, "/admin", &[("id", "Kota Baru"), ("name", "Kota Baru"), ("time_zone", "Asia/Makassar")])
        .await;
    assert_eq!(s, 422, "not a domain: {page}");
    let (s, to) = app.admin_post(&root, "/admin", &form).await;
    assert_eq!((s, to.starts_with("/admin/kotabaru.go.id")), (303, true), "{to}");
    let (s, page) = app.admin_get(&root, "/admin/kotabaru.go.id").await;
    assert_eq!(s, 200);
    assert!(page.contains("Kota Baru") && page.contains("Asia/Makassar"), "{page}");
});

both!(roles_are_taken_away_and_logos_set_through_the_api, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let key = app.staff("admin2@kota.test", Role::Admin, None).await;
    app.staff("op@kota.test", Role::Operator, None).await;
    let op_id = laksana_store::users::find_by_email(&app.db, "op@kota.test").await.unwrap().unwrap().id;
    let (_, page) = app.admin_get(&admin, &format!("/admin/{TNG}/pengguna")).await;
    assert!(page.contains("value=\"revoke\""), "each role can be taken away");
    let (s, _) = app
        .admin_post(&admin, &format!("/admin/{TNG}/pengguna/{op_id}"), &[("action", "revoke"), ("role", "operator")])
        .await;
    assert_eq!(s, 303);
    assert!(laksana_store::users::grants_of(&app.db, op_id).await.unwrap().is_empty());
    // Not one's own admin role.
    let me = laksana_store::users::find_by_email(&app.db, "admin@kota.test").await.unwrap().unwrap().id;
    let (s, _) = app
        .admin_post(&admin, &format!("/admin/{TNG}/pengguna/{me}"), &[("action", "revoke"), ("role", "admin")])
        .await;
    assert_eq!(s, 422);
    // A logo through the API.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([11, 92, 173]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let put = |body: Vec<u8>| {
        app.client
            .put(app.url(&format!("/api/v1/jurisdictions/{TNG}/logo")))
            .bearer_auth(&key)
            .header("content-type", "image/png")
            .body(body)
            .send()
    };
    assert_eq!(put(b"no".to_vec()).await.unwrap().status().as_u16(), 400);
    let res = put(png).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let v: serde_json::Value = res.json().await.unwrap();
    let logo = v["logo"].as_str().unwrap().to_owned();
    let (_, home) = app.admin_get("", &format!("/j/{TNG}")).await;
    assert!(home.contains(&logo), "{home}");
});
