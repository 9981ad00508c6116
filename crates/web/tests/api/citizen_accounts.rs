//! Citizens' own accounts and the signed links in emails, as a browser without JavaScript meets them:
//! signing up and confirming by email, "my reports", a new password by email, and the link that lets
//! a reporter confirm and rate straight from the "resolved" email.

use laksana_core::access::Role;
use serde_json::json;

use crate::both;
use crate::helpers::{TNG, TestApp};

const PASSWORD: &str = "sandi-warga-yang-panjang";

/// What a page answered: status, the redirect target (if any) and the body.
struct Answer {
    status: u16,
    location: String,
    body: String,
    cookie: Option<String>,
}

impl TestApp {
    /// A page request as a browser sends it: with `cookie`, from this site, redirects not followed.
    async fn browse(&self, method: &str, path: &str, cookie: &str, form: &[(&str, &str)]) -> Answer {
        let mut req = self
            .client
            .request(method.parse().unwrap(), self.url(path))
            .header("origin", &self.base)
            .header("accept-language", "id");
        if !cookie.is_empty() {
            req = req.header("cookie", cookie);
        }
        if method == "POST" {
            req = req.form(form);
        }
        let res = req.send().await.unwrap();
        let header = |n: &str| res.headers().get(n).map(|v| v.to_str().unwrap().to_owned());
        let (location, cookie) = (header("location").unwrap_or_default(), header("set-cookie"));
        let cookie = cookie.map(|c| c.split(';').next().unwrap().to_owned());
        Answer { status: res.status().as_u16(), location, body: res.text().await.unwrap(), cookie }
    }

    /// The messages sent to `to`, their bodies decoded (quoted-printable soft breaks and `=3D` undone).
    async fn mails_to(&self, to: &str) -> Vec<String> {
        self.mails()
            .await
            .into_iter()
            .filter(|(t, _)| t.contains(to))
            .map(|(_, m)| m.replace("=\r\n", "").replace("=\n", "").replace("=3D", "="))
            .collect()
    }
}

/// The first link in `mail` that starts with `base` + `path`, up to the end of its line.
fn link(mail: &str, prefix: &str) -> String {
    let at = mail.find(prefix).unwrap_or_else(|| panic!("no link {prefix} in {mail}"));
    mail[at..].split(|c: char| c.is_whitespace()).next().unwrap().to_owned()
}

/// The path and query of a full URL of the test server.
fn path_of(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.base).unwrap_or(url).to_owned()
}

both!(a_citizen_signs_up_confirms_and_finds_their_reports, |app| {
    let email = "rina@warga.test";
    // Mistakes are said next to their fields, and what was typed stays.
    let a = app
        .browse(
            "POST",
            "/daftar",
            "",
            &[("email", email), ("name", "Rina"), ("password", "pendek"), ("repeat", "pendek")],
        )
        .await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("id=\"password-error\"") && a.body.contains("value=\"rina@warga.test\""), "{}", a.body);
    let a = app
        .browse(
            "POST",
            "/daftar",
            "",
            &[("email", email), ("name", "Rina"), ("password", PASSWORD), ("repeat", PASSWORD)],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("Periksa email Anda") && a.body.contains(email));

    // Not confirmed yet: the right password does not sign in, and the link is sent again.
    let a = app.browse("POST", "/masuk", "", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("belum dikonfirmasi") && a.cookie.is_none(), "{}", a.body);
    let mails = app.mails_to(email).await;
    assert_eq!(mails.len(), 2, "the sign-up's link and the one sent again");
    let confirm = link(&mails[0], &format!("{}/daftar/konfirmasi?t=", app.base));

    // A link with its signature changed is refused; the real one confirms (twice is harmless).
    // The last hex digit of the signature, changed (to another digit than it was).
    let flipped = if confirm.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{flipped}", &confirm[..confirm.len() - 1]);
    assert_eq!(app.browse("GET", &path_of(&app, &forged), "", &[]).await.status, 403);
    let a = app.browse("GET", &path_of(&app, &confirm), "", &[]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains("Akun Anda aktif"));
    assert_eq!(app.browse("GET", &path_of(&app, &confirm), "", &[]).await.status, 200);

    // Signed in, a citizen lands on their reports.
    let a = app.browse("POST", "/masuk", "", &[("email", email), ("password", PASSWORD)]).await;
    assert_eq!((a.status, a.location.as_str()), (303, "/saya"), "{}", a.body);
    let me = a.cookie.unwrap();
    let a = app.browse("GET", "/saya", &me, &[]).await;
    assert_eq!(a.status, 200);
    assert!(a.body.contains("Belum ada laporan"), "{}", a.body);
    // The staff start page is not theirs: it sends them to their reports.
    assert_eq!(app.browse("GET", "/staf", &me, &[]).await.location, "/saya");
    assert_eq!(app.browse("GET", &format!("/staf/{TNG}"), &me, &[]).await.status, 403);

    // A report made while signed in is theirs: it is listed, rahasia or not.
    let form = reqwest::multipart::Form::new()
        .text("layanan", "pju-mati")
        .text("description", "Lampu jalan di depan masjid mati")
        .text("lat", "-6.1783")
        .text("lon", "106.6319")
        .text("privacy", "rahasia");
    let res = app
        .client
        .post(app.url(&format!("/j/{TNG}/lapor")))
        .header("origin", &app.base)
        .header("cookie", &me)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let receipt = res.text().await.unwrap();
    assert!(receipt.contains("href=\"/saya\""), "the receipt points to my reports");
    let a = app.browse("GET", "/saya", &me, &[]).await;
    let id = a.body.split("href=\"/laporan/").nth(1).unwrap()[..9].to_owned();
    assert!(receipt.contains(&id) && a.body.contains("Rahasia"), "{}", a.body);
    // Its page opens for them without a code (a rahasia report is hidden from everyone else).
    assert_eq!(app.browse("GET", &format!("/laporan/{id}"), &me, &[]).await.status, 200);
    assert_eq!(app.browse("GET", &format!("/laporan/{id}"), "", &[]).await.status, 404);
    // Signing out ends it.
    let a = app.browse("POST", "/keluar", &me, &[]).await;
    assert_eq!(a.status, 303);
    assert_eq!(app.browse("GET", "/saya", &me, &[]).await.location, "/masuk?kembali=%2Fsaya");
});

both!(signing_up_with_a_taken_address_tells_only_its_owner, |app| {
    let email = "budi@warga.test";
    let form = [("email", email), ("name", ""), ("password", PASSWORD), ("repeat", PASSWORD)];
    let first = app.browse("POST", "/daftar", "", &form).await;
    let second = app
        .browse(
            "POST",
            "/daftar",
            "",
            &[("email", "BUDI@warga.test"), ("password", "lain-lagi-panjang"), ("repeat", "lain-lagi-panjang")],
        )
        .await;
    assert_eq!((first.status, second.status), (200, 200));
    assert_eq!(
        first.body.replace(email, "X"),
        second.body.replace("budi@warga.test", "X"),
        "the visitor cannot tell a taken address from a free one"
    );
    let mails = app.mails_to(email).await;
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().any(|m| m.contains("sudah memiliki akun") && m.contains("/sandi/lupa")), "{mails:?}");
    // The first password still stands (the second sign-up changed nothing).
    let link =
        link(mails.iter().find(|m| m.contains("konfirmasi")).unwrap(), &format!("{}/daftar/konfirmasi", app.base));
    app.browse("GET", &path_of(&app, &link), "", &[]).await;
    assert_eq!(app.browse("POST", "/masuk", "", &[("email", email), ("password", PASSWORD)]).await.status, 303);
    assert_eq!(
        app.browse("POST", "/masuk", "", &[("email", email), ("password", "lain-lagi-panjang")]).await.status,
        401
    );
    // Cross-site sign-ups are refused before anything is read.
    let res =
        app.client.post(app.url("/daftar")).header("origin", "https://evil.example").form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
});

both!(a_forgotten_password_is_replaced_through_a_link_that_works_once, |app| {
    let email = "dewi@warga.test";
    let now = laksana_core::Clock::now(&*app.clock);
    let new = laksana_store::users::NewUser {
        email: email.into(),
        display_name: "Dewi".into(),
        language: "id".into(),
        password: Some(PASSWORD.into()),
    };
    laksana_store::users::create(&app.db, &new, "test", now).await.unwrap();
    let old_session =
        app.browse("POST", "/masuk", "", &[("email", email), ("password", PASSWORD)]).await.cookie.unwrap();

    // The same answer for an address with and without an account; only the account gets mail.
    let known = app.browse("POST", "/sandi/lupa", "", &[("email", email)]).await;
    let unknown = app.browse("POST", "/sandi/lupa", "", &[("email", "tidak-ada@warga.test")]).await;
    assert_eq!((known.status, unknown.status), (200, 200));
    assert_eq!(known.body.replace(email, "X"), unknown.body.replace("tidak-ada@warga.test", "X"));
    assert!(app.mails_to("tidak-ada@warga.test").await.is_empty());
    let mail = app.mails_to(email).await.pop().unwrap();
    let reset = path_of(&app, &link(&mail, &format!("{}/sandi/baru?t=", app.base)));
    let token = reset.split("t=").nth(1).unwrap().to_owned();

    let a = app.browse("GET", &reset, "", &[]).await;
    assert_eq!(a.status, 200);
    assert!(a.body.contains("name=\"token\""));
    // Two different passwords are refused, and the link still works after.
    let a = app
        .browse("POST", "/sandi/baru", "", &[("token", &token), ("new", "baru-dan-panjang-1"), ("repeat", "lain")])
        .await;
    assert_eq!(a.status, 422);
    // Two uses of the link at once (a leaked copy racing its owner): exactly one sets the password.
    let form = [("token", token.as_str()), ("new", "baru-dan-panjang-1"), ("repeat", "baru-dan-panjang-1")];
    let (a, b) =
        tokio::join!(app.browse("POST", "/sandi/baru", "", &form), app.browse("POST", "/sandi/baru", "", &form));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 403], "{} / {}", a.body, b.body);
    // The link is spent, the old password and the old session are gone, the new password signs in.
    let a = app
        .browse(
            "POST",
            "/sandi/baru",
            "",
            &[("token", &token), ("new", "ketiga-dan-panjang"), ("repeat", "ketiga-dan-panjang")],
        )
        .await;
    assert_eq!(a.status, 403);
    assert_eq!(app.browse("GET", &reset, "", &[]).await.status, 403);
    assert_eq!(app.browse("GET", "/saya", &old_session, &[]).await.status, 303, "the old session ended");
    assert_eq!(app.browse("POST", "/masuk", "", &[("email", email), ("password", PASSWORD)]).await.status, 401);
    assert_eq!(
        app.browse("POST", "/masuk", "", &[("email", email), ("password", "baru-dan-panjang-1")]).await.status,
        303
    );

    // A link an hour old has expired.
    app.browse("POST", "/sandi/lupa", "", &[("email", email)]).await;
    let mail = app.mails_to(email).await.into_iter().rfind(|m| m.contains("/sandi/baru")).unwrap();
    let reset = path_of(&app, &link(&mail, &format!("{}/sandi/baru?t=", app.base)));
    app.clock.advance_seconds(3601);
    let a = app.browse("GET", &reset, "", &[]).await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("kedaluwarsa"), "{}", a.body);

    // Nobody floods an inbox through the form: a few emails an hour per address at most.
    for _ in 0..5 {
        app.browse("POST", "/sandi/lupa", "", &[("email", email)]).await;
    }
    let sent = app.mails_to(email).await.iter().filter(|m| m.contains("/sandi/baru")).count();
    assert_eq!(sent, 3, "three an hour per address, whatever was asked");
});

both!(the_resolved_email_lets_the_reporter_confirm_and_rate_without_the_code, |app| {
    let op = app.staff("op@kota.test", Role::Operator, None).await;
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (id, _) = app.report("pju-mati", "anonim", Some("siti@warga.test")).await;
    // Someone who followed it instead of reporting it again gets its news, but no reporter's link.
    let a = app.browse("POST", &format!("/laporan/{id}/ikuti"), "", &[("email", "tetangga@warga.test")]).await;
    assert_eq!(a.status, 200, "{}", a.body);
    for (key, body) in [
        (&op, json!({"action": "verify", "expected_status": "submitted"})),
        (&officer, json!({"action": "plan", "plan": "Ganti lampu", "expected_status": "dispositioned"})),
        (&officer, json!({"action": "resolve", "evidence": "Lampu sudah diganti", "expected_status": "in_progress"})),
    ] {
        let (s, v) = app.act(Some(key), None, &id, body).await;
        assert_eq!(s, 200, "{v}");
    }
    let mails = app.mails_to("siti@warga.test").await;
    let resolved = mails.iter().find(|m| m.contains("diselesaikan")).expect("the resolved notice");
    let url = link(resolved, &format!("{}/laporan/{id}?t=", app.base));
    assert!(url.ends_with("#konfirmasi"), "{url}");
    let path = path_of(&app, url.trim_end_matches("#konfirmasi"));
    let neighbour = app.mails_to("tetangga@warga.test").await;
    assert!(neighbour.iter().any(|m| m.contains("diselesaikan")), "the follower hears of it");
    assert!(neighbour.iter().all(|m| !m.contains("?t=")), "but gets no link that acts as the reporter");

    // The link opens the report with the reporter's forms, carrying the token instead of the code.
    let a = app.browse("GET", &path, "", &[]).await;
    assert_eq!(a.status, 200);
    assert!(a.body.contains("id=\"konfirmasi\"") && a.body.contains("name=\"token\""), "{}", a.body);
    // The same token opens the reporter's satisfaction survey (its link is in the same email).
    let token = path.split("t=").nth(1).unwrap().to_owned();
    assert!(resolved.contains(&format!("/r/{id}/survey?t={token}")), "{resolved}");
    let a = app.browse("GET", &format!("/r/{id}/survey?t={token}"), "", &[]).await;
    assert_eq!(a.status, 200);
    assert!(a.body.contains("name=\"u9\""), "{}", a.body);
    // The token is for this report only.
    let (other, _) = app.report("pju-mati", "publik", None).await;
    let a = app.browse("GET", &format!("/laporan/{other}?t={token}"), "", &[]).await;
    assert_eq!(a.status, 403);
    let a = app
        .browse(
            "POST",
            &format!("/laporan/{other}"),
            "",
            &[("token", &token), ("action", "confirm"), ("status", "submitted")],
        )
        .await;
    assert_eq!(a.status, 403);
    // Confirm and rate with it.
    let a = app
        .browse(
            "POST",
            &format!("/laporan/{id}"),
            "",
            &[("token", &token), ("action", "confirm"), ("status", "resolved"), ("rating", "5")],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let (_, v) = app.get_json(&format!("/api/v1/reports/{id}")).await;
    assert_eq!(v["status"], "closed", "{v}");

    // Sixty days on, the link has expired: the tracking form says so.
    app.clock.advance_seconds(61 * 86_400);
    let a = app.browse("GET", &path, "", &[]).await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("kedaluwarsa") && a.body.contains("action=\"/lacak\""), "{}", a.body);
});

both!(staff_neither_reset_by_email_nor_become_the_reporter_of_what_they_file, |app| {
    let now = laksana_core::Clock::now(&*app.clock);
    let new = laksana_store::users::NewUser {
        email: "op@kota.test".into(),
        display_name: "Operator".into(),
        language: "id".into(),
        password: Some(PASSWORD.into()),
    };
    let user = laksana_store::users::create(&app.db, &new, "test", now).await.unwrap();
    let grant = laksana_core::access::Grant::new(Role::Operator, Some(TNG.into()), None).unwrap();
    laksana_store::users::grant(&app.db, user.id, &grant, "test", now).await.unwrap();
    // A staff mailbox is no way into the staff pages: the answer is the same, and nothing is sent.
    let a = app.browse("POST", "/sandi/lupa", "", &[("email", "op@kota.test")]).await;
    assert_eq!(a.status, 200);
    assert!(app.mails_to("op@kota.test").await.is_empty());
    // An operator typing in a walk-in complaint does not become its reporter.
    let op =
        app.browse("POST", "/masuk", "", &[("email", "op@kota.test"), ("password", PASSWORD)]).await.cookie.unwrap();
    let form = reqwest::multipart::Form::new()
        .text("layanan", "pju-mati")
        .text("description", "Warga datang ke loket: lampu jalan mati")
        .text("address", "Jl. Merdeka 1")
        .text("privacy", "publik");
    let res = app
        .client
        .post(app.url(&format!("/j/{TNG}/lapor")))
        .header("origin", &app.base)
        .header("cookie", &op)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let owned = laksana_store::testing::scalar(&app.db, "SELECT COUNT(*) FROM reports WHERE user_id IS NOT NULL").await;
    assert_eq!(owned, 0);
});
