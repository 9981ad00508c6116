//! The staff pages as a browser without JavaScript meets them: signing in, the queue by deadline with
//! its filters and paging, the work view with exactly the role's actions, a stale action, and pages a
//! role may not use.

use laksana_core::access::{Grant, Role};
use laksana_store::users;

use crate::both;
use crate::helpers::{TNG, TestApp};

const PASSWORD: &str = "sandi-yang-panjang-42";

impl TestApp {
    /// A staff account that can sign in with [`PASSWORD`].
    async fn person(&self, email: &str, role: Role, agency: Option<&str>) {
        let now = laksana_core::Clock::now(&*self.clock);
        let new = users::NewUser {
            email: email.into(),
            display_name: email.into(),
            language: "id".into(),
            password: Some(PASSWORD.into()),
        };
        let user = users::create(&self.db, &new, "test", now).await.unwrap();
        let agency_id = match agency {
            Some(code) => Some(self.agency(code).await),
            None => None,
        };
        let grant = Grant::new(role, Some(TNG.into()), agency_id).unwrap();
        users::grant(&self.db, user.id, &grant, "test", now).await.unwrap();
    }

    /// Signs in through the page; the session cookie to send afterwards.
    async fn sign_in_page(&self, email: &str) -> String {
        let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let res = raw
            .post(self.url("/masuk"))
            .header("origin", &self.base)
            .form(&[("email", email), ("password", PASSWORD), ("kembali", "/staf")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
        assert_eq!(res.headers()["location"], "/staf");
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        cookie.split(';').next().unwrap().to_owned()
    }

    async fn page_text(&self, path: &str) -> (u16, String) {
        let res = self.client.get(self.url(path)).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    async fn staff_get(&self, cookie: &str, path: &str) -> (u16, String) {
        let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let res = raw.get(self.url(path)).header("cookie", cookie).send().await.unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
        (status, location.unwrap_or_default() + &res.text().await.unwrap())
    }

    async fn staff_post(&self, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let res = raw
            .post(self.url(path))
            .header("cookie", cookie)
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
        (status, location.unwrap_or_default() + &res.text().await.unwrap())
    }
}

/// The value of hidden field `name` in the first form of `action` on a page.
fn hidden(page: &str, action: &str, name: &str) -> String {
    let form = &page
        [page.find(&format!("name=\"action\" value=\"{action}\"")).unwrap_or_else(|| panic!("no {action} form"))..];
    let at = form.find(&format!("name=\"{name}\" value=\"")).unwrap() + name.len() + 15;
    form[at..at + form[at..].find('"').unwrap()].to_owned()
}

both!(staff_work_a_report_from_their_pages, |app| {
    app.person("op@kota.test", Role::Operator, None).await;
    app.person("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (id, _) = app.report("pju-mati", "publik", Some("siti@warga.test")).await;

    // Not signed in: the staff pages send the visitor to sign in, and back.
    let (s, to) = app.staff_get("", &format!("/staf/laporan/{id}")).await;
    assert_eq!(s, 303);
    assert!(to.starts_with("/masuk?kembali=%2Fstaf%2Flaporan%2F"), "{to}");
    // A wrong password is said on the page.
    let res = app
        .client
        .post(app.url("/masuk"))
        .header("origin", &app.base)
        .form(&[("email", "op@kota.test"), ("password", "salah"), ("kembali", "/staf")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    assert!(res.text().await.unwrap().contains("kata sandi salah"));

    let op = app.sign_in_page("op@kota.test").await;
    let (s, to) = app.staff_get(&op, "/staf").await;
    assert_eq!((s, to.as_str()), (303, format!("/staf/{TNG}").as_str()), "one jurisdiction: straight to its queue");
    let (s, queue) = app.staff_get(&op, &format!("/staf/{TNG}")).await;
    assert_eq!(s, 200);
    // Nearest deadline first: the demo's overdue reports lead, said in words.
    assert!(queue.contains("class=\"overdue\"") && queue.contains("terlambat"), "overdue rows say so in words");
    assert!(!queue.contains(&format!(">{id}<")), "a new report's deadline is days away: not on the first page");
    // The next page continues after the last row, without repeating it.
    let next = queue.split("href=\"/staf/").find_map(|r| r.split('"').next().filter(|h| h.contains("after="))).unwrap();
    let next = next.replace("&#38;", "&");
    let (s, second) = app.staff_get(&op, &format!("/staf/{next}")).await;
    assert_eq!(s, 200);
    let first_ids: Vec<&str> = queue.split("/staf/laporan/").skip(1).map(|r| &r[..9]).collect();
    assert_eq!(first_ids.len(), 50);
    assert!(second.split("/staf/laporan/").skip(1).all(|r| !first_ids.contains(&&r[..9])), "no row twice");
    // Filters work without script: by status, by service, overdue only.
    let pju = laksana_store::testing::scalar(
        &app.db,
        &format!("SELECT id FROM services WHERE code = 'pju-mati' AND jurisdiction_id = '{TNG}'"),
    )
    .await;
    let (_, only_new) = app.staff_get(&op, &format!("/staf/{TNG}?status=submitted&service={pju}")).await;
    assert!(only_new.contains(&id) && !only_new.contains("<td><span class=\"status yellow\">"), "{only_new}");
    let (_, late) = app.staff_get(&op, &format!("/staf/{TNG}?late=1")).await;
    assert!(!late.contains(&format!(">{id}<")), "a new report is not late");
    let (s, _) = app.staff_get(&op, &format!("/staf/{TNG}?status=closed")).await;
    assert_eq!(s, 400, "the queue holds open reports only");

    // The work view: the operator sees the reporter's contact and the operator's actions only.
    let (s, work) = app.staff_get(&op, &format!("/staf/laporan/{id}")).await;
    assert_eq!(s, 200);
    assert!(work.contains("siti@warga.test"), "operators see the reporter");
    assert!(work.contains("value=\"verify\"") && work.contains("value=\"archive\""));
    assert!(!work.contains("value=\"plan\"") && !work.contains("value=\"resolve\""), "agency actions are not offered");
    let version = hidden(&work, "verify", "version");
    let (s, to) = app
        .staff_post(
            &op,
            &format!("/staf/laporan/{id}"),
            &[("action", "verify"), ("status", "submitted"), ("version", &version), ("agency_id", ""), ("text", "")],
        )
        .await;
    assert_eq!(s, 303, "{to}");
    assert!(to.starts_with(&format!("/staf/laporan/{id}?selesai=1")));
    // The same form sent again (a second tab) meets the new state and is shown it.
    let (s, page) = app
        .staff_post(
            &op,
            &format!("/staf/laporan/{id}"),
            &[("action", "verify"), ("status", "submitted"), ("version", &version), ("agency_id", ""), ("text", "")],
        )
        .await;
    assert_eq!(s, 409);
    assert!(page.contains("diubah orang lain") && page.contains("Diteruskan ke perangkat daerah"), "{page}");
    // An internal note stays off the public page.
    let (s, _) = app
        .staff_post(&op, &format!("/staf/laporan/{id}"), &[("action", "note"), ("text", "Cek ulang tiang nomor 12")])
        .await;
    assert_eq!(s, 303);
    let (_, public) = app.page_text(&format!("/laporan/{id}")).await;
    assert!(!public.contains("tiang nomor 12"));

    // A second report of the same lamp: the work view offers the first as its original.
    let (dup, _) = app.report("pju-mati", "publik", None).await;
    let (_, work) = app.staff_get(&op, &format!("/staf/laporan/{dup}")).await;
    assert!(work.contains(&format!("Duplikat dari {id}")), "{work}");
    let version = hidden(&work, "verify", "version");
    let (s, _) = app
        .staff_post(
            &op,
            &format!("/staf/laporan/{dup}"),
            &[("action", "mark_duplicate"), ("status", "submitted"), ("version", &version), ("of", &id)],
        )
        .await;
    assert_eq!(s, 303);
    let (_, v) = app.get_json(&format!("/api/v1/reports/{dup}")).await;
    assert_eq!(v["status"], "archived", "{v}");

    // The officer plans and resolves from their own pages.
    let officer = app.sign_in_page("pju@kota.test").await;
    let (_, queue) = app.staff_get(&officer, &format!("/staf/{TNG}")).await;
    assert!(queue.contains(&id));
    let (_, work) = app.staff_get(&officer, &format!("/staf/laporan/{id}")).await;
    assert!(work.contains("value=\"plan\"") && !work.contains("value=\"verify\""));
    assert!(work.contains("Cek ulang tiang nomor 12"), "staff see internal notes");
    let (s, _) = app
        .staff_post(
            &officer,
            &format!("/staf/laporan/{id}"),
            &[("action", "plan"), ("status", "dispositioned"), ("text", "Ganti lampu besok")],
        )
        .await;
    assert_eq!(s, 303);
    // Resolving needs written evidence: without it the form comes back.
    let (s, page) = app
        .staff_post(
            &officer,
            &format!("/staf/laporan/{id}"),
            &[("action", "resolve"), ("status", "in_progress"), ("text", "")],
        )
        .await;
    assert_eq!(s, 422, "{page}");
    // Resolved from the page with an "after" photo: listed with the report, on its public page.
    let mut png = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([30, 200, 30]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("status", "in_progress")
        .text("text", "Lampu sudah diganti")
        .part("photo", reqwest::multipart::Part::bytes(png).file_name("sesudah.png").mime_str("image/png").unwrap());
    let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = raw
        .post(app.url(&format!("/staf/laporan/{id}/selesai")))
        .header("cookie", &officer)
        .header("origin", &app.base)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    let after = laksana_store::testing::scalar(
        &app.db,
        &format!("SELECT COUNT(*) FROM report_media m JOIN reports r ON r.id = m.report_id WHERE r.public_id = '{id}' AND m.kind = 'after'"),
    )
    .await;
    assert_eq!(after, 1, "the after photo is the report's");
    let (_, public) = app.page_text(&format!("/laporan/{id}")).await;
    assert!(public.contains("status big green") && public.contains("Lampu sudah diganti"), "green for the public");
    assert!(public.contains("<img src=\"/media/"), "with the after photo: {public}");

    // The operator raises the report's privacy: it leaves the public pages.
    let (s, _) = app
        .staff_post(&op, &format!("/staf/laporan/{id}"), &[("action", "raise_privacy"), ("reason", "rahasia")])
        .await;
    assert_eq!(s, 303);
    let (s, _) = app.page_text(&format!("/laporan/{id}")).await;
    assert_eq!(s, 404, "a rahasia report has no public page");
    let (_, work) = app.staff_get(&op, &format!("/staf/laporan/{id}")).await;
    assert!(!work.contains("value=\"raise_privacy\""), "nothing stricter than rahasia to raise it to");

    // Signing out ends the session.
    let (s, _) = app.staff_post(&officer, "/keluar", &[]).await;
    assert_eq!(s, 303);
    let (s, _) = app.staff_get(&officer, &format!("/staf/{TNG}")).await;
    assert_eq!(s, 303, "back to the sign-in page");
});

both!(a_role_is_refused_the_pages_it_may_not_use, |app| {
    app.person("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    app.person("warga@kota.test", Role::Citizen, None).await;
    let (other, _) = app.report("ktp-kk", "publik", None).await;
    let (rahasia, _) = app.report("pju-mati", "rahasia", None).await;
    let operator = app.staff("op2@kota.test", Role::Operator, None).await;
    let (s, v) = app
        .act(Some(&operator), None, &other, serde_json::json!({"action": "verify", "expected_status": "submitted"}))
        .await;
    assert_eq!(s, 200, "{v}");

    let officer = app.sign_in_page("pju@kota.test").await;
    // Another agency's report: its work view is refused, and it is not in the officer's queue.
    let (s, _) = app.staff_get(&officer, &format!("/staf/laporan/{other}")).await;
    assert!(s == 403 || s == 404, "{s}");
    let (_, queue) = app.staff_get(&officer, &format!("/staf/{TNG}")).await;
    assert!(!queue.contains(&other));
    let dukcapil = app.agency("DISDUKCAPIL").await;
    let (s, page) = app.staff_get(&officer, &format!("/staf/{TNG}?agency={dukcapil}")).await;
    assert_eq!(s, 403);
    assert!(page.contains("tidak boleh membuka halaman ini"), "the 403 page says so: {page}");
    // A citizen has no queue at all: the staff start page sends them to their own reports.
    let citizen = app.sign_in_page("warga@kota.test").await;
    let (s, to) = app.staff_get(&citizen, "/staf").await;
    assert_eq!((s, &to[..5]), (303, "/saya"));
    let (s, _) = app.staff_get(&citizen, &format!("/staf/{TNG}")).await;
    assert_eq!(s, 403);
    let (s, _) = app.staff_get(&citizen, &format!("/staf/laporan/{rahasia}")).await;
    assert_eq!(s, 404, "a rahasia report does not exist for a citizen");
    // A form posted from another site with the session cookie is refused.
    let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = raw
        .post(app.url(&format!("/staf/laporan/{other}")))
        .header("cookie", &officer)
        .header("origin", "https://evil.example")
        .form(&[("action", "note"), ("text", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
});

both!(heads_see_overdue_work_per_agency_and_staff_change_their_password, |app| {
    app.person("kepala@kota.test", Role::AgencyHead, Some("DPUPR")).await;
    app.person("wali@kota.test", Role::Leader, None).await;
    let head = app.sign_in_page("kepala@kota.test").await;
    let (s, page) = app.staff_get(&head, &format!("/staf/{TNG}/ringkasan")).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Dinas Pekerjaan Umum"), "the head's own agency: {page}");
    assert!(!page.contains("Dinas Perhubungan"), "and only theirs");
    let leader = app.sign_in_page("wali@kota.test").await;
    let (_, page) = app.staff_get(&leader, &format!("/staf/{TNG}/ringkasan")).await;
    assert!(page.contains("Dinas Pekerjaan Umum") && page.contains("Dinas Perhubungan"), "every agency for the leader");
    assert!(
        page.contains("class=\"overdue\"") && page.contains("<strong class=\"late\">"),
        "overdue work stands out in words"
    );

    // A new password: the wrong current one is refused, then the change ends the other sessions.
    let (s, page) = app
        .staff_post(
            &head,
            "/staf/sandi",
            &[("current", "salah-salah-salah"), ("new", "baru-dan-panjang-1"), ("repeat", "baru-dan-panjang-1")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(page.contains("Kata sandi sekarang salah"), "{page}");
    let (s, page) =
        app.staff_post(&head, "/staf/sandi", &[("current", PASSWORD), ("new", "pendek"), ("repeat", "pendek")]).await;
    assert_eq!(s, 422);
    assert!(page.contains("paling sedikit 10"), "{page}");
    let other = app.sign_in_page("kepala@kota.test").await;
    let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = raw
        .post(app.url("/staf/sandi"))
        .header("cookie", &head)
        .header("origin", &app.base)
        .form(&[("current", PASSWORD), ("new", "baru-dan-panjang-1"), ("repeat", "baru-dan-panjang-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let fresh = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    assert!(res.text().await.unwrap().contains("sudah diganti"));
    let (s, _) = app.staff_get(&other, &format!("/staf/{TNG}")).await;
    assert_eq!(s, 303, "the other session ended");
    let (s, _) = app.staff_get(&fresh, &format!("/staf/{TNG}")).await;
    assert_eq!(s, 200, "this browser stays signed in");
});

both!(staff_set_the_pin_of_a_report_that_came_with_an_address_only, |app| {
    app.person("op@kota.test", Role::Operator, None).await;
    app.person("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    app.person("dukcapil@kota.test", Role::Officer, Some("DISDUKCAPIL")).await;
    let body = serde_json::json!({
        "service_code": "pju-mati", "description": "Lampu jalan mati di Jalan Daan Mogot",
        "address": "Jl. Daan Mogot No. 1, Tangerang", "privacy": "publik"
    });
    let (s, v) = app.call("POST", "/api/v1/reports", Some(crate::helpers::KEY), None, Some(body)).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let op = app.sign_in_page("op@kota.test").await;
    let (_, work) = app.staff_get(&op, &format!("/staf/laporan/{id}")).await;
    assert!(work.contains("id=\"locate-form\"") && work.contains("alamat saja"), "offered for an address-only report");
    let version = hidden(&work, "locate", "version");
    let path = format!("/staf/laporan/{id}");
    // Nonsense and a point outside the city are refused on the page, with the reason.
    let (s, page) = app.staff_post(&op, &path, &[("action", "locate"), ("lat", "abc"), ("lon", "106.6")]).await;
    assert_eq!(s, 422);
    assert!(page.contains("Koordinat tidak sah"), "{page}");
    let (s, page) = app.staff_post(&op, &path, &[("action", "locate"), ("lat", "-7.8"), ("lon", "110.4")]).await;
    assert_eq!(s, 422);
    assert!(page.contains("outside every district"), "{page}");
    // Placed: the report now has its point and district, on the map and in the API.
    let (s, to) = app
        .staff_post(&op, &path, &[("action", "locate"), ("version", &version), ("lat", "-6.1783"), ("lon", "106.6319")])
        .await;
    assert_eq!(s, 303, "{to}");
    let (_, v) = app.get_json(&format!("/api/v1/reports/{id}")).await;
    assert_eq!((v["lat"].as_f64(), v["long"].as_f64()), (Some(-6.1783), Some(106.6319)), "{v}");
    let (_, points) = app.get_json(&format!("/j/{TNG}/peta.json?bbox=106.63,-6.179,106.633,-6.177")).await;
    assert!(points.to_string().contains(&id), "{points}");
    let (_, work) = app.staff_get(&op, &path).await;
    assert!(work.contains("Pindahkan titik peta"), "now it can be moved");
    // The same form again (a second tab, the old version) meets the change and is told so.
    let (s, _) = app
        .staff_post(&op, &path, &[("action", "locate"), ("version", &version), ("lat", "-6.18"), ("lon", "106.63")])
        .await;
    assert_eq!(s, 409);
    // The officer of the agency handling it may move it; another agency's officer may not.
    let (s, v) = app
        .act(
            Some(&app.staff("op2@kota.test", Role::Operator, None).await),
            None,
            &id,
            serde_json::json!({"action": "verify", "expected_status": "submitted"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let officer = app.sign_in_page("pju@kota.test").await;
    let (s, _) =
        app.staff_post(&officer, &path, &[("action", "locate"), ("lat", "-6.1784"), ("lon", "106.6318")]).await;
    assert_eq!(s, 303);
    let other = app.sign_in_page("dukcapil@kota.test").await;
    let (s, _) = app.staff_post(&other, &path, &[("action", "locate"), ("lat", "-6.18"), ("lon", "106.63")]).await;
    assert!(s == 403 || s == 404, "{s}");
    // The timeline keeps where it was, for staff only.
    let (_, public) = app.page_text(&format!("/laporan/{id}")).await;
    assert!(!public.contains("-6.1783"));
    let n = laksana_store::testing::scalar(
        &app.db,
        &format!("SELECT COUNT(*) FROM audit_events e JOIN reports r ON r.id = e.report_id WHERE r.public_id = '{id}' AND e.kind = 'located' AND NOT e.is_public"),
    )
    .await;
    assert_eq!(n, 2);
    // The audit trail follows the pin: the report's row is what its events say.
    laksana_store::audit::seal_pending(&app.db).await.unwrap();
    let v = laksana_store::audit::verify(&app.db).await.unwrap();
    assert!(v.intact(), "{:?} {:?}", v.broken, v.mismatches);
});
