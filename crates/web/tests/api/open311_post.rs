//! Submitting through Open311: POST requests in both encodings, every refusal, retries and privacy.

use reqwest::multipart::{Form, Part};

use crate::both;
use crate::helpers::*;

const PATH: &str = "/open311/v2/requests.json";

fn form<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("api_key", KEY),
        ("jurisdiction_id", TNG),
        ("service_code", "pju-mati"),
        ("lat", "-6.1781"),
        ("long", "106.6300"),
        ("description", "Lampu jalan mati sejak tiga hari di depan masjid."),
    ];
    for (k, v) in extra {
        f.retain(|(key, _)| key != k);
        f.push((k, v));
    }
    f
}

async fn count_reports(app: &TestApp) -> i64 {
    laksana_store::reports::count(&app.db, TNG).await.unwrap()
}

both!(a_form_post_creates_a_report_that_reads_back, |app| {
    let (status, v) = app
        .post_form(PATH, &form(&[("email", "siti@contoh.id"), ("first_name", "Siti"), ("account_id", "acc-9")]))
        .await;
    assert_eq!(status, 201, "{v}");
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 1);
    let id = arr[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(laksana_core::PublicId::parse(&id).is_some());
    assert_eq!(arr[0]["account_id"], "acc-9");
    let notice = arr[0]["service_notice"].as_str().unwrap();
    // Saturday 28 Nov: three working days later is Wednesday 2 Dec.
    assert!(notice.contains("02-12-2026") && notice.contains("3 hari kerja"), "{notice}");

    let (status, r) = app.get_json(&format!("/open311/v2/requests/{id}.json?jurisdiction_id={TNG}")).await;
    assert_eq!(status, 200);
    let r = &r[0];
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "pju-mati");
    assert_eq!(r["lat"], -6.1781);
    assert_eq!(r["long"], 106.63);
    assert_eq!(r["requested_datetime"], "2026-11-28T10:00:00+07:00");
    assert_eq!(r["expected_datetime"], "2026-12-02T23:59:59+07:00");
    assert!(r["agency_responsible"].is_string());
    let (_, ext) = app.get_json(&format!("/open311/v2/requests/{id}.json?jurisdiction_id={TNG}&extensions=true")).await;
    assert_eq!(ext[0]["status"], "for_triage");
    assert!(ext[0]["district"].is_string(), "the district is found from the location");
});

both!(the_xml_answer_of_a_post, |app| {
    let res = app.client.post(app.url("/open311/v2/requests.xml")).form(&form(&[])).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["content-type"], "text/xml; charset=utf-8");
    let body = res.text().await.unwrap();
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests><request><service_request_id>")
    );
    assert!(body.contains("<account_id/>"));
});

both!(multipart_with_attributes_and_a_photo, |app| {
    let photo = jpeg_with_exif();
    assert!(photo.windows(4).any(|w| w == b"Exif"));
    let form = Form::new()
        .text("api_key", KEY)
        .text("service_code", "pencemaran-limbah")
        .text("address_string", "Jl. Daan Mogot No. 12, Kec. Tangerang")
        .text("description", "Air sungai berwarna hitam dan berbau.")
        .text("attribute[jenis_pencemaran][]", "air")
        .text("attribute[jenis_pencemaran][]", "bau")
        .text("attribute[tidak_dikenal]", "diabaikan")
        .text("media_url", "https://contoh.id/foto1.jpg")
        .part("media", Part::bytes(photo).file_name("foto.jpg").mime_str("image/jpeg").unwrap());
    let res = app.client.post(app.url(PATH)).multipart(form).send().await.unwrap();
    let status = res.status().as_u16();
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{v}");
    let id = v[0]["service_request_id"].as_str().unwrap();
    let stored = laksana_store::reports::get(&app.db, TNG, id).await.unwrap().unwrap();
    let attrs = stored.attributes.clone();
    assert_eq!(attrs["jenis_pencemaran"], vec!["air", "bau"]);
    assert!(!attrs.contains_key("tidak_dikenal"), "unknown attributes are ignored");
    let (_, shown) = app.get_json(&format!("/api/v1/reports/{id}?jurisdiction_id={TNG}")).await;
    let media = shown["media_urls"].as_array().unwrap();
    assert_eq!(media.len(), 2);
    assert_eq!(media[0], "https://contoh.id/foto1.jpg");
    let uploaded = media[1].as_str().unwrap();
    assert!(uploaded.starts_with(&format!("{}/media/", app.base)), "{uploaded}");
    let bytes = app.client.get(uploaded).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF is removed");
    assert!(!bytes.windows(11).any(|w| w == b"GPS-SECRET!"), "GPS metadata is removed");
    let (waiting, _) = laksana_store::jobs::counts(&app.db).await.unwrap();
    assert_eq!(waiting, 1, "a thumbnail job is queued");
    // The photo was received into a temporary file, removed once it was stored.
    let incoming = app.media_dir().join(".incoming");
    assert_eq!(std::fs::read_dir(&incoming).unwrap().count(), 0, "no temporary file is left");
});

both!(refusals_name_the_field_and_store_nothing, |app| {
    let before = count_reports(&app).await;
    let long = "a".repeat(4001);
    // (form fields, status, what the error says)
    type Case<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (form(&[("api_key", "")]), 403, "api_key is required"),
        (form(&[("api_key", "lks_wrong")]), 403, "api_key is not valid"),
        (form(&[("jurisdiction_id", "tangerangselatankota.go.id")]), 403, "not valid for jurisdiction_id"),
        (form(&[("jurisdiction_id", "nowhere.go.id")]), 404, "nowhere.go.id"),
        (form(&[("service_code", "")]), 400, "service_code is required"),
        (form(&[("service_code", "no-such")]), 404, "no-such"),
        (form(&[("lat", ""), ("long", "")]), 400, "a location is required"),
        (form(&[("long", "")]), 400, "long is required"),
        (form(&[("lat", "")]), 400, "lat is required"),
        (form(&[("lat", "91")]), 400, "lat must be between -90 and 90"),
        (form(&[("long", "200")]), 400, "long must be between -180 and 180"),
        (form(&[("lat", "north")]), 400, "lat is not a number"),
        (form(&[("description", long.as_str())]), 400, "4001 characters"),
        (form(&[("description", "<b>tolong</b>")]), 400, "plain text"),
        (form(&[("service_code", "jalan-rusak")]), 400, "attribute[tingkat_kerusakan] is required"),
        (
            form(&[("service_code", "jalan-rusak"), ("attribute[tingkat_kerusakan]", "parah")]),
            400,
            "attribute[tingkat_kerusakan] has no value \"parah\"",
        ),
        (
            form(&[("service_code", "banjir"), ("attribute[ketinggian_air_cm]", "tinggi")]),
            400,
            "attribute[ketinggian_air_cm] must be a number",
        ),
        (form(&[("email", "bukan email")]), 400, "email"),
        (form(&[("media_url", "javascript:alert(1)")]), 400, "media_url"),
        (form(&[("privacy", "semua")]), 400, "privacy"),
    ];
    for (f, status, mention) in cases {
        let (got, v) = app.post_form(PATH, &f).await;
        assert_eq!(got, status, "{mention}: {v}");
        assert_eq!(v[0]["code"], status.to_string());
        assert!(error_description(&v).contains(mention), "expected {mention:?} in {v}");
    }
    assert_eq!(count_reports(&app).await, before, "no refused request stored anything");
});

fn media_files(app: &TestApp) -> usize {
    let dir = app.media_dir();
    std::fs::read_dir(dir).map(|d| d.filter(|e| e.as_ref().unwrap().path().is_file()).count()).unwrap_or(0)
}

both!(uploads_are_kept_only_with_their_report, |app| {
    let photo_form = |key: &'static str, second: Vec<u8>| {
        Form::new()
            .text("api_key", KEY)
            .text("service_code", "pju-mati")
            .text("lat", "-6.17")
            .text("long", "106.63")
            .text("device_id", key)
            .part("media", Part::bytes(jpeg_with_exif()).file_name("a.jpg"))
            .part("media", Part::bytes(second).file_name("b.jpg"))
    };
    // The second photo is broken: nothing is kept, not even the first.
    let res = app.client.post(app.url(PATH)).multipart(photo_form("hp-a", b"broken".to_vec())).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(media_files(&app), 0);
    // A good submission keeps two files; its retry keeps no more.
    let res = app.client.post(app.url(PATH)).multipart(photo_form("hp-b", jpeg_with_exif())).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(media_files(&app), 2);
    let res = app.client.post(app.url(PATH)).multipart(photo_form("hp-b", jpeg_with_exif())).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(media_files(&app), 2);
});

both!(an_upload_that_is_not_an_image_or_too_large_is_refused, |app| {
    let before = count_reports(&app).await;
    let form = Form::new()
        .text("api_key", KEY)
        .text("service_code", "pju-mati")
        .text("lat", "-6.17")
        .text("long", "106.63")
        .part("media", Part::bytes(b"#!/bin/sh\necho not a photo".to_vec()).file_name("x.jpg"));
    let res = app.client.post(app.url(PATH)).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(error_description(&v).contains("not a JPEG, PNG or WebP"));
    // The server answers 413 as soon as it knows, while the client may still be sending; then the
    // client can see the connection reset instead of the answer. Try a few times for the answer.
    let mut answer = None;
    for _ in 0..5 {
        let huge = vec![0u8; 3 * 1024 * 1024];
        let form = Form::new().text("api_key", KEY).part("media", Part::bytes(huge).file_name("big.jpg"));
        if let Ok(res) = app.client.post(app.url(PATH)).multipart(form).send().await {
            answer = Some(res);
            break;
        }
    }
    let res = answer.expect("an answer to at least one of five oversized uploads");
    assert_eq!(res.status().as_u16(), 413);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(error_description(&v).contains("at most 2 MiB"), "{v}");
    assert_eq!(count_reports(&app).await, before);
});

both!(retries_return_the_first_report, |app| {
    // Idempotency-Key header.
    let send =
        |key: &'static str| app.client.post(app.url(PATH)).header("Idempotency-Key", key).form(&form(&[])).send();
    let first: serde_json::Value = send("retry-1").await.unwrap().json().await.unwrap();
    let again = send("retry-1").await.unwrap();
    assert_eq!(again.status().as_u16(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(first[0]["service_request_id"], again[0]["service_request_id"]);
    // An empty key is no key: two different reports stay two reports.
    let (_, e1) = app.post_form(PATH, &form(&[("attribute[fixmystreet_id]", "")])).await;
    let (s2, e2) =
        app.post_form(PATH, &form(&[("attribute[fixmystreet_id]", " "), ("description", "Lain lagi.")])).await;
    assert_eq!(s2, 201);
    assert_ne!(e1[0]["service_request_id"], e2[0]["service_request_id"]);
    // attribute[fixmystreet_id].
    let (s1, a) = app.post_form(PATH, &form(&[("attribute[fixmystreet_id]", "fms-77")])).await;
    let (s2, b) = app.post_form(PATH, &form(&[("attribute[fixmystreet_id]", "fms-77")])).await;
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(a[0]["service_request_id"], b[0]["service_request_id"]);
    // The same device, text and place within a minute; a minute later it is a new report.
    let (_, a) = app.post_form(PATH, &form(&[("device_id", "hp-1")])).await;
    app.clock.advance_seconds(30);
    let (_, b) = app.post_form(PATH, &form(&[("device_id", "hp-1")])).await;
    assert_eq!(a[0]["service_request_id"], b[0]["service_request_id"]);
    let (_, c) = app.post_form(PATH, &form(&[("device_id", "hp-1"), ("description", "Lampu lain juga mati.")])).await;
    assert_ne!(a[0]["service_request_id"], c[0]["service_request_id"]);
    app.clock.advance_seconds(61);
    let (status, d) = app.post_form(PATH, &form(&[("device_id", "hp-1")])).await;
    assert_eq!(status, 201);
    assert_ne!(a[0]["service_request_id"], d[0]["service_request_id"]);
});

both!(a_reused_retry_key_never_answers_with_another_report, |app| {
    // A rahasia report filed with a client key...
    let (s, first) =
        app.post_form(PATH, &form(&[("attribute[fixmystreet_id]", "fms-9"), ("privacy", "rahasia")])).await;
    assert_eq!(s, 201, "{first}");
    let secret = first[0]["service_request_id"].as_str().unwrap().to_owned();
    let before = count_reports(&app).await;
    // ...and a different submission (other text, other place) with the same key: refused with 409,
    // naming no report; nothing is stored.
    for other in [
        vec![("attribute[fixmystreet_id]", "fms-9"), ("description", "Jalan berlubang besar di depan pasar.")],
        vec![("attribute[fixmystreet_id]", "fms-9"), ("lat", "-6.2000")],
    ] {
        let (s, v) = app.post_form(PATH, &form(&other)).await;
        assert_eq!(s, 409, "{v}");
        assert!(!v.to_string().contains(&secret), "{v}");
        assert!(error_description(&v).contains("different submission"), "{v}");
    }
    let res = app
        .client
        .post(app.url(PATH))
        .header("Idempotency-Key", "fms-9")
        .form(&form(&[("description", "Sampah menumpuk di TPS.")]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(count_reports(&app).await, before);
});

both!(concurrent_retries_create_one_report, |app| {
    let before = count_reports(&app).await;
    let sends =
        (0..12).map(|_| app.client.post(app.url(PATH)).header("Idempotency-Key", "burst-1").form(&form(&[])).send());
    let results = futures::future::join_all(sends).await;
    let mut ids = std::collections::HashSet::new();
    for r in results {
        let r = r.unwrap();
        assert!(matches!(r.status().as_u16(), 200 | 201));
        let v: serde_json::Value = r.json().await.unwrap();
        ids.insert(v[0]["service_request_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(count_reports(&app).await, before + 1);
});

both!(reporter_identity_never_appears_and_rahasia_stays_hidden, |app| {
    let who = [
        ("email", "rahasia.pelapor@contoh.id"),
        ("first_name", "Zulkarnaenq"),
        ("last_name", "Wirawijayaq"),
        ("phone", "081299990000"),
    ];
    let (_, open) = app.post_form(PATH, &form(&who)).await;
    let mut secret_form = who.to_vec();
    secret_form.push(("privacy", "rahasia"));
    let (status, secret) = app.post_form(PATH, &form(&secret_form)).await;
    assert_eq!(status, 201);
    let (_, pungli) = app
        .post_form(
            PATH,
            &form(&[("service_code", "pungli"), ("attribute[waktu_kejadian]", "2026-11-27T09:00:00+07:00")]),
        )
        .await;
    let open_id = open[0]["service_request_id"].as_str().unwrap();
    for path in [
        format!("/open311/v2/requests.json?jurisdiction_id={TNG}&extensions=true"),
        format!("/open311/v2/requests.xml?jurisdiction_id={TNG}&extensions=true"),
        format!("/open311/v2/requests/{open_id}.json?jurisdiction_id={TNG}&extensions=true"),
        format!("/open311/v2/servicerequestupdates.json?jurisdiction_id={TNG}"),
        format!("/api/v1/reports?jurisdiction_id={TNG}&limit=200"),
        format!("/api/v1/reports/{open_id}?jurisdiction_id={TNG}"),
    ] {
        let (status, _, body) = app.get_text(&path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(open_id), "{path} lists the public report");
        for (field, value) in who {
            // The public sees a publik report's display name (first name) on its own page.
            if field == "first_name" && path.starts_with("/api/v1/reports/") {
                assert!(body.contains(value), "{path} shows the display name of a publik report");
                continue;
            }
            assert!(!body.contains(value), "{path} leaks {value}");
        }
        for hidden in [&secret, &pungli] {
            assert!(!body.contains(hidden[0]["service_request_id"].as_str().unwrap()), "{path} lists a rahasia report");
        }
    }
});

/// A small JPEG with an EXIF block carrying a recognisable GPS marker.
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 10, 128]));
    let mut jpeg = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(b"MM\0*\0\0\0\x08\0\0GPS-SECRET!");
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

both!(photos_of_rahasia_reports_are_served_only_to_those_who_may_see_them, |app| {
    let upload = |privacy: &'static str| {
        let form = Form::new()
            .text("api_key", KEY)
            .text("service_code", "pju-mati")
            .text("address_string", "Jl. Merdeka 1")
            .text("privacy", privacy)
            .part("media", Part::bytes(jpeg_with_exif()).file_name("foto.jpg").mime_str("image/jpeg").unwrap());
        let res = app.client.post(app.url(PATH)).multipart(form).send();
        async move { res.await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let secret = upload("rahasia").await;
    let id = secret[0]["service_request_id"].as_str().unwrap();
    let code = secret[0]["follow_up_code"].as_str().unwrap();
    let operator = app.staff("op@kota.test", laksana_core::access::Role::Operator, None).await;
    let (_, shown) = app.call("GET", &format!("/api/v1/reports/{id}"), Some(&operator), None, None).await;
    let url = shown["media_urls"][0].as_str().unwrap().to_owned();
    let get = |key: Option<&str>, code: Option<&str>| {
        let mut req = app.client.get(&url);
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(c) = code {
            req = req.header("x-follow-up-code", c);
        }
        async move { req.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(get(None, None).await, 404, "the public learns nothing");
    assert_eq!(get(Some(&operator), None).await, 200);
    assert_eq!(get(None, Some(code)).await, 200, "the reporter sees their photo");
    let other = app.staff("dishub@kota.test", laksana_core::access::Role::Officer, Some("DISHUB")).await;
    assert_eq!(get(Some(&other), None).await, 404);
    // The same file under a percent-encoded name is not a way around the check.
    let name = url.rsplit('/').next().unwrap();
    let encoded = format!("{}/media/%{:02X}{}", app.base, name.as_bytes()[0], &name[1..]);
    assert_eq!(app.client.get(&encoded).send().await.unwrap().status(), 404);
    assert_eq!(app.client.get(format!("{}/media/thumb%2F{name}", app.base)).send().await.unwrap().status(), 404);
    // A public report's photo is public; unknown files and path tricks are 404.
    let open = upload("publik").await;
    let (_, shown) = app
        .get_json(&format!("/api/v1/reports/{}?jurisdiction_id={TNG}", open[0]["service_request_id"].as_str().unwrap()))
        .await;
    let public_url = shown["media_urls"][0].as_str().unwrap();
    assert_eq!(app.client.get(public_url).send().await.unwrap().status(), 200);
    assert_eq!(app.get("/media/../laksana.db").await.status(), 404);
    assert_eq!(app.get("/media/nope.jpg").await.status(), 404);
    // The thumbnail directory itself is neither listed nor redirected to (a redirect left /media).
    for dir in ["/media/thumb", "/media/thumb/", "/media/thumb/thumb/", "/media/"] {
        let res = app.get(dir).await;
        assert_eq!((res.status().as_u16(), res.headers().contains_key("location")), (404, false), "{dir}");
    }
    let public_name = public_url.rsplit('/').next().unwrap();
    assert_eq!(app.get(&format!("/media/thumb/thumb/{public_name}")).await.status(), 404);
});

both!(a_client_without_a_valid_key_is_limited_by_its_address, |app| {
    // Submissions with a valid key count against the key: more than the address's 20 get through.
    for i in 0..25 {
        let (s, v) = app.post_form(PATH, &form(&[("description", &format!("Jalan berlubang nomor {i}."))])).await;
        assert_eq!(s, 201, "{i}: {v}");
    }
    // Without a key, or with a wrong one, each counts against the address: refused for the key until
    // the address has used its 20, then 429.
    for i in 0..20 {
        let key = if i % 2 == 0 { "" } else { "tebakan-kunci" };
        let (s, v) = app.post_form(PATH, &form(&[("api_key", key)])).await;
        assert_eq!(s, 403, "{i}: {v}");
    }
    let res = app.client.post(app.url(PATH)).form(&form(&[("api_key", "")])).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=120).contains(&wait), "{wait}");
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(error_description(&v).contains("without a valid api_key from this address"), "{v}");
    let res = app.client.post(app.url("/open311/v2/requests.xml")).body("api_key=").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.text().await.unwrap().contains("<code>429</code>"));
    // Before reading a body, the server cannot know the key inside it: from this address a body is
    // refused unread now, even one with a valid key. A key in the query is judged before the body.
    let (s, _) = app.post_form(PATH, &form(&[])).await;
    assert_eq!(s, 429);
    let (s, v) = app.post_form(&format!("{PATH}?api_key={KEY}"), &form(&[("description", "Satu lagi.")])).await;
    assert_eq!(s, 201, "{v}");
    let (s, _) = app.post_form("/open311/v2/requests.json?api_key=tebakan", &form(&[])).await;
    assert_eq!(s, 429);
    // The JSON API counts the same address: a wrong bearer key now gets 429 (problem+json), and a
    // valid one is still served.
    let res = app.submit_raw(Some("tebakan-kunci"), "{}").await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = app.submit_raw(Some(KEY), "{}").await;
    assert_eq!(res.status().as_u16(), 400, "past the key and its rate, the empty report is refused");
});

both!(an_api_key_has_a_rate_and_an_address_a_few_receipts, |app| {
    // The test app allows 150 submissions per key per minute; the demo seed used none of them.
    for i in 0..150 {
        let description = format!("Lampu jalan mati nomor {i}.");
        let email = if i < 7 { "korban@contoh.id" } else { "" };
        let (s, v) = app.post_form(PATH, &form(&[("description", &description), ("email", email)])).await;
        assert_eq!(s, 201, "{i}: {v}");
    }
    let res = app.client.post(app.url(PATH)).form(&form(&[("description", "Satu lagi.")])).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=120).contains(&wait), "{wait}");
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(error_description(&v).contains("too many submissions"), "{v}");
    let res = app.client.post(app.url("/open311/v2/requests.xml")).form(&form(&[])).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.text().await.unwrap().contains("<code>429</code>"));
    // Seven reports named one address: it got five receipts, and all seven reports were stored.
    let to_victim = app.mails().await.iter().filter(|(to, _)| to.contains("korban@contoh.id")).count();
    assert_eq!(to_victim, 5);
});

both!(a_photo_is_read_only_after_a_valid_key, |app| {
    let before = count_reports(&app).await;
    let photo = || Part::bytes(jpeg_with_exif()).file_name("foto.jpg").mime_str("image/jpeg").unwrap();
    // No key before the photo: refused at the photo, with what to do about it.
    let form = Form::new().text("service_code", "pju-mati").part("media", photo()).text("api_key", KEY);
    let res = app.client.post(app.url(PATH)).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(error_description(&v).contains("before the media"), "{v}");
    // A wrong key before the photo: refused too.
    let form = Form::new().text("api_key", "lks_wrong").part("media", photo());
    assert_eq!(app.client.post(app.url(PATH)).multipart(form).send().await.unwrap().status().as_u16(), 403);
    // The key in the query string counts as before the body.
    let form = Form::new()
        .part("media", photo())
        .text("service_code", "pju-mati")
        .text("lat", "-6.17")
        .text("long", "106.63")
        .text("description", "Lampu jalan mati, foto terlampir.");
    let res = app.client.post(app.url(&format!("{PATH}?api_key={KEY}"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(count_reports(&app).await, before + 1);
});
