//! The lifecycle through the API: who may act, required inputs, stale state, re-disposition,
//! hand-back, reopen, duplicates, Open311 updates, notices and the audit trail.

use laksana_core::access::Role;
use serde_json::json;

use crate::both;

both!(the_happy_path_notifies_the_reporter_and_the_agency, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (id, code) = app.report("pju-mati", "publik", Some("siti@warga.test")).await;
    let disperkim = app.agency("DISPERKIM").await;

    let (s, v) = app.act(Some(&operator), None, &id, json!({"action": "verify", "expected_status": "submitted"})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("dispositioned")), "{v}");
    let (s, v) = app.call("GET", &format!("/api/v1/reports/{id}"), Some(&officer), None, None).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["agency"], "Dinas Perumahan, Kawasan Permukiman dan Pertanahan");
    assert_eq!(v["clock"], "plan");
    let (s, v) = app
        .act(
            Some(&officer),
            None,
            &id,
            json!({"action": "plan", "expected_status": "dispositioned", "plan": "Ganti lampu besok pagi"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("in_progress")), "{v}");
    let (s, v) = app
        .act(Some(&officer), None, &id, json!({"action": "resolve", "expected_status": "in_progress", "evidence": "Lampu sudah diganti", "photo_url": "https://contoh.test/after.jpg"}))
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("resolved")), "{v}");
    // The reporter confirms with the follow-up code and rates the work.
    let (s, v) =
        app.act(None, Some(&code), &id, json!({"action": "confirm", "expected_status": "resolved", "rating": 5})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("closed")), "{v}");

    // Open311 shows the public notes, the extended status and no reporter.
    let (_, v) = app
        .get_json(&format!("/open311/v2/requests/{id}.json?extensions=true&jurisdiction_id=tangerangkota.go.id"))
        .await;
    assert_eq!(v[0]["status"], "closed");
    assert_eq!(v[0]["status_notes"], "Lampu sudah diganti");
    assert!(!v.to_string().contains("Rahmawati"));
    let (_, ev) = app.call("GET", &format!("/api/v1/reports/{id}/events"), None, None, None).await;
    let statuses: Vec<&str> = ev.as_array().unwrap().iter().filter_map(|e| e["status"].as_str()).collect();
    assert_eq!(statuses, ["submitted", "dispositioned", "in_progress", "resolved", "closed"]);
    assert_eq!(ev[4]["actor"], "reporter", "the reporter is never named by account on the timeline");

    let mails = app.mails().await;
    let to = |who: &str| mails.iter().filter(|(to, _)| to.contains(who)).map(|(_, m)| m.clone()).collect::<Vec<_>>();
    let siti = to("siti@warga.test");
    assert!(
        siti.iter().any(|m| m.contains(&id) && m.contains(&code)),
        "the receipt carries the id and the follow-up code"
    );
    assert!(siti.iter().any(|m| m.contains("Ganti lampu besok pagi")), "in progress with the plan");
    assert!(
        siti.iter().any(|m| m.contains("diselesaikan")
            && m.contains(&format!("/laporan/{id}?t="))
            && m.contains("#konfirmasi")),
        "resolved, with the signed link to confirm and rate"
    );
    assert!(siti.iter().any(|m| m.contains("ditutup")), "closed");
    let officer_mail = to("pju@kota.test");
    assert!(officer_mail.iter().any(|m| m.contains("Disposisi baru")), "the officer hears of the disposition");
    assert!(
        officer_mail.iter().all(|m| !m.contains("Rahmawati") && !m.contains("081234567890")),
        "notices to staff carry no identity"
    );
    let _ = disperkim;
    let (s, v) = app.call("GET", "/api/v1/jurisdictions/tangerangkota.go.id/audit", Some(&operator), None, None).await;
    assert_eq!((s, v["intact"].as_bool()), (200, Some(true)), "{v}");
});

both!(wrong_roles_get_403_hidden_reports_404_and_nothing_changes, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let other = app.staff("dishub@kota.test", Role::Officer, Some("DISHUB")).await;
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (id, _) = app.report("pju-mati", "publik", None).await;
    let body = json!({"action": "verify", "expected_status": "submitted"});
    // No credentials, an officer, a citizen with a wrong code: none may verify.
    assert_eq!(app.act(None, None, &id, body.clone()).await.0, 403);
    assert_eq!(app.act(Some(&officer), None, &id, body.clone()).await.0, 403);
    assert_eq!(app.act(None, Some("WRONGCODE1"), &id, body.clone()).await.0, 403);
    assert_eq!(app.act(Some("lks_nonsense"), None, &id, body.clone()).await.0, 401);
    let (_, v) = app.call("GET", &format!("/api/v1/reports/{id}"), Some(&operator), None, None).await;
    assert_eq!((v["status"].as_str(), v["version"].as_i64()), (Some("submitted"), Some(0)), "nothing changed");
    // A rahasia report does not exist for the public or another agency.
    let (secret, code) = app.report("pju-mati", "rahasia", None).await;
    assert_eq!(app.call("GET", &format!("/api/v1/reports/{secret}"), None, None, None).await.0, 404);
    assert_eq!(app.call("GET", &format!("/api/v1/reports/{secret}"), Some(&other), None, None).await.0, 404);
    assert_eq!(
        app.act(Some(&other), None, &secret, json!({"action": "plan", "expected_status": "submitted", "plan": "x"}))
            .await
            .0,
        404
    );
    assert_eq!(app.call("GET", &format!("/api/v1/reports/{secret}"), None, Some(&code), None).await.0, 200);
    // A wrong code on a rahasia report says nothing of its existence; on a public one it is a 403.
    assert_eq!(app.call("GET", &format!("/api/v1/reports/{secret}"), None, Some("TEBAKAN123"), None).await.0, 404);
    assert_eq!(app.call("GET", &format!("/api/v1/reports/{id}"), None, Some("TEBAKAN123"), None).await.0, 403);
    // Guessing stops after twenty wrong codes from one address (three were sent above): its codes are
    // refused for an hour.
    for _ in 0..17 {
        assert_eq!(app.call("GET", &format!("/api/v1/reports/{secret}"), None, Some("TEBAKAN123"), None).await.0, 404);
    }
    let (s, v) = app.call("GET", &format!("/api/v1/reports/{secret}"), None, Some(&code), None).await;
    assert_eq!(s, 429, "{v}");
    assert_eq!(
        app.call("GET", &format!("/api/v1/reports/{secret}"), None, None, None).await.0,
        404,
        "without a code nothing changes"
    );
    assert_eq!(
        app.call(
            "GET",
            &format!("/open311/v2/requests/{secret}.json?jurisdiction_id=tangerangkota.go.id"),
            None,
            None,
            None
        )
        .await
        .0,
        404
    );
    // Missing inputs are a 400 and change nothing.
    let (s, v) =
        app.act(Some(&operator), None, &id, json!({"action": "dispose", "expected_status": "submitted"})).await;
    assert_eq!(s, 400, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("agency_id"), "{v}");
    let (s, _) =
        app.act(Some(&operator), None, &id, json!({"action": "archive", "expected_status": "submitted"})).await;
    assert_eq!(s, 400);
    let (s, v) = app
        .act(
            Some(&operator),
            None,
            &id,
            json!({"action": "dispose", "expected_status": "submitted", "agency_id": 999999}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = app.act(Some(&operator), None, &id, json!({"action": "verify"})).await;
    assert_eq!(s, 400, "expected_status is required");
    // A stale expected state is a conflict; so is an action the state does not allow.
    let (s, v) = app.act(Some(&operator), None, &id, json!({"action": "verify", "expected_status": "resolved"})).await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = app
        .act(
            Some(&operator),
            None,
            &id,
            json!({"action": "forward_not_authority", "expected_status": "submitted", "to": "BPN"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) =
        app.act(Some(&operator), None, &id, json!({"action": "verify", "expected_status": "not_authority"})).await;
    assert_eq!(s, 409, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("cannot"), "{v}");
});

both!(two_operators_at_once_one_wins_one_is_told, |app| {
    let a = app.staff("a@kota.test", Role::Operator, None).await;
    let b = app.staff("b@kota.test", Role::Operator, None).await;
    let (id, _) = app.report("sampah-menumpuk", "publik", None).await;
    let dlh = app.agency("DLH").await;
    let dishub = app.agency("DISHUB").await;
    let (ra, rb) = tokio::join!(
        app.act(Some(&a), None, &id, json!({"action": "dispose", "expected_status": "submitted", "agency_id": dlh})),
        app.act(Some(&b), None, &id, json!({"action": "dispose", "expected_status": "submitted", "agency_id": dishub})),
    );
    let mut codes = [ra.0, rb.0];
    codes.sort();
    assert_eq!(codes, [200, 409], "{ra:?} {rb:?}");
    let loser = if ra.0 == 409 { &ra.1 } else { &rb.1 };
    assert!(loser["detail"].as_str().unwrap().contains("reload"), "{loser}");
    let (_, ev) = app.call("GET", &format!("/api/v1/reports/{id}/events"), Some(&a), None, None).await;
    assert_eq!(
        ev.as_array().unwrap().iter().filter(|e| e["status"] == "dispositioned").count(),
        1,
        "exactly one disposition"
    );
    // Re-disposition with a stale version is refused too.
    let (_, v) = app.call("GET", &format!("/api/v1/reports/{id}"), Some(&a), None, None).await;
    let version = v["version"].as_i64().unwrap();
    let (s, _) = app.act(Some(&a), None, &id, json!({"action": "dispose", "expected_status": "dispositioned", "expected_version": version, "agency_id": dishub})).await;
    assert_eq!(s, 200);
    let (s, _) = app.act(Some(&b), None, &id, json!({"action": "dispose", "expected_status": "dispositioned", "expected_version": version, "agency_id": dlh})).await;
    assert_eq!(s, 409);
});

both!(hand_back_reopen_and_duplicates, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let dlh_officer = app.staff("dlh@kota.test", Role::Officer, Some("DLH")).await;
    let dishub_officer = app.staff("dishub@kota.test", Role::Officer, Some("DISHUB")).await;
    let (id, code) = app.report("sampah-menumpuk", "anonim", Some("budi@warga.test")).await;
    let dishub = app.agency("DISHUB").await;
    // Sent to the wrong agency, handed back, re-disposed.
    assert_eq!(
        app.act(
            Some(&operator),
            None,
            &id,
            json!({"action": "dispose", "expected_status": "submitted", "agency_id": dishub})
        )
        .await
        .0,
        200
    );
    let (s, v) = app
        .act(
            Some(&dishub_officer),
            None,
            &id,
            json!({"action": "hand_back", "expected_status": "dispositioned", "reason": "Bukan kewenangan Dishub"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("submitted")), "{v}");
    assert_eq!(
        app.act(
            Some(&dishub_officer),
            None,
            &id,
            json!({"action": "plan", "expected_status": "submitted", "plan": "x"})
        )
        .await
        .0,
        403
    );
    assert_eq!(
        app.act(Some(&operator), None, &id, json!({"action": "verify", "expected_status": "submitted"})).await.0,
        200
    );
    assert_eq!(
        app.act(
            Some(&dlh_officer),
            None,
            &id,
            json!({"action": "resolve", "expected_status": "dispositioned", "evidence": "Sudah diangkut"})
        )
        .await
        .0,
        200
    );
    // The reporter reopens; the agency works again.
    let (s, v) = app
        .act(
            None,
            Some(&code),
            &id,
            json!({"action": "reopen", "expected_status": "resolved", "reason": "Masih menumpuk"}),
        )
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("reopened")), "{v}");
    assert_eq!(
        app.act(
            Some(&dlh_officer),
            None,
            &id,
            json!({"action": "plan", "expected_status": "reopened", "plan": "Angkut ulang"})
        )
        .await
        .0,
        200
    );

    // A second report of the same pile is merged; its reporter follows the original.
    let (dup, _) = app.report("sampah-menumpuk", "publik", Some("ani@warga.test")).await;
    let (s, v) = app
        .act(Some(&operator), None, &dup, json!({"action": "mark_duplicate", "expected_status": "submitted", "of": id}))
        .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("archived")), "{v}");
    let (_, v) = app
        .get_json(&format!("/open311/v2/requests/{dup}.json?extensions=true&jurisdiction_id=tangerangkota.go.id"))
        .await;
    assert_eq!(v[0]["status"], "duplicate");
    let (_, v) = app.call("GET", &format!("/api/v1/reports/{dup}"), Some(&operator), None, None).await;
    assert_eq!(v["duplicate_of"], id.as_str());
    assert_eq!(
        app.act(
            Some(&operator),
            None,
            &id,
            json!({"action": "mark_duplicate", "expected_status": "in_progress", "of": id})
        )
        .await
        .0,
        400,
        "not a duplicate of itself"
    );
    assert_eq!(
        app.act(
            Some(&dlh_officer),
            None,
            &id,
            json!({"action": "resolve", "expected_status": "in_progress", "evidence": "Bersih"})
        )
        .await
        .0,
        200
    );
    let mails = app.mails().await;
    let ani: Vec<_> = mails.iter().filter(|(to, _)| to.contains("ani@warga.test")).collect();
    assert!(ani.iter().any(|(_, m)| m.contains(&id) && m.contains("digabung")), "told of the merge");
    assert!(ani.iter().any(|(_, m)| m.contains("diselesaikan")), "follows the original's resolution");
    // The anonymous reporter's name never reached the officers.
    let (_, v) = app.call("GET", &format!("/api/v1/reports/{id}"), Some(&dlh_officer), None, None).await;
    assert!(v.get("reporter").is_none(), "{v}");
});

both!(open311_service_request_updates_map_to_actions, |app| {
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let (id, _) = app.report("pju-mati", "publik", None).await;
    let path = "/open311/v2/servicerequestupdates.json";
    // A key that only submits may not update.
    let (s, v) = app
        .post_form(
            path,
            &[
                ("api_key", laksana_store::seed::DEMO_API_KEY),
                ("service_request_id", &id),
                ("status", "in_progress"),
                ("description", "x"),
            ],
        )
        .await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = app
        .post_form(path, &[("api_key", &operator), ("service_request_id", &id), ("status", "action_scheduled")])
        .await;
    assert_eq!(s, 200, "{v}");
    assert!(v[0]["update_id"].as_str().unwrap().starts_with(&id));
    let (s, v) =
        app.post_form(path, &[("api_key", &officer), ("service_request_id", &id), ("status", "in_progress")]).await;
    assert_eq!(s, 400, "a plan needs its text: {v}");
    let (s, _) = app
        .post_form(
            path,
            &[
                ("api_key", &officer),
                ("service_request_id", &id),
                ("status", "IN_PROGRESS"),
                ("description", "Dijadwalkan Senin"),
            ],
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .post_form(path, &[("api_key", &officer), ("service_request_id", &id), ("description", "Tim sedang di lokasi")])
        .await;
    assert_eq!(s, 200, "a reply without status");
    let (s, v) = app.post_form(path, &[("api_key", &officer), ("service_request_id", &id), ("status", "open")]).await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = app
        .post_form(
            path,
            &[
                ("api_key", &officer),
                ("service_request_id", &id),
                ("status", "fixed"),
                ("description", "Lampu menyala"),
            ],
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = app
        .post_form(
            path,
            &[("api_key", &officer), ("service_request_id", "ZZZZ-ZZZZ"), ("status", "fixed"), ("description", "x")],
        )
        .await;
    assert_eq!(s, 404);
    // GET servicerequestupdates returns the real events, replies included.
    let (_, v) = app
        .get_json(&format!("{path}?start_date=2026-11-27T00:00:00%2B07:00&jurisdiction_id=tangerangkota.go.id"))
        .await;
    let mine: Vec<&serde_json::Value> =
        v.as_array().unwrap().iter().filter(|u| u["service_request_id"] == id.as_str()).collect();
    assert!(mine.len() >= 5, "{v}");
    assert!(mine.iter().any(|u| u["description"] == "Tim sedang di lokasi"), "{mine:?}");
});

both!(staff_sign_in_with_a_cookie_and_are_throttled, |app| {
    let now = laksana_core::Clock::now(app.clock.as_ref());
    let u = laksana_store::users::create(
        &app.db,
        &laksana_store::users::NewUser {
            email: "Admin@Kota.test".into(),
            display_name: "Admin".into(),
            language: "en".into(),
            password: Some("rahasia-sekali-123".into()),
        },
        "test",
        now,
    )
    .await
    .unwrap();
    let g = laksana_core::access::Grant::new(Role::Admin, Some("tangerangkota.go.id".into()), None).unwrap();
    laksana_store::users::grant(&app.db, u.id, &g, "test", now).await.unwrap();
    let login = |pw: &'static str| {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        async move { client.post(url).json(&json!({"email": "admin@kota.test", "password": pw})).send().await.unwrap() }
    };
    let res = login("rahasia-sekali-123").await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let res2 = login("rahasia-sekali-123").await;
    let session2 = res2.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    assert_ne!(session, session2, "every sign-in gets a fresh session");
    // The session works for admin settings; a cross-site write is refused.
    let put = |origin: &str| {
        app.client
            .put(app.url("/api/v1/jurisdictions/tangerangkota.go.id/deadlines"))
            .header("cookie", &session)
            .header("origin", origin)
            .json(&json!({"verification": 2}))
    };
    assert_eq!(put("https://evil.test").send().await.unwrap().status(), 403);
    // The scheme counts: this host over another scheme is another origin.
    assert_eq!(put(&app.base.replacen("http://", "https://", 1)).send().await.unwrap().status(), 403);
    // Without Origin only a browser's own `Sec-Fetch-Site: same-origin` vouches for a write.
    let bare = || {
        app.client
            .put(app.url("/api/v1/jurisdictions/tangerangkota.go.id/deadlines"))
            .header("cookie", &session)
            .json(&json!({"verification": 2}))
    };
    assert_eq!(bare().send().await.unwrap().status(), 403);
    assert_eq!(bare().header("sec-fetch-site", "cross-site").send().await.unwrap().status(), 403);
    assert_eq!(bare().header("sec-fetch-site", "same-origin").send().await.unwrap().status(), 200);
    let res = put(&app.base).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let d: serde_json::Value = res.json().await.unwrap();
    assert_eq!((d["verification"].as_i64(), d["plan"].as_i64()), (Some(2), Some(5)));
    let res = app.client.get(app.url("/api/v1/auth/me")).header("cookie", &session).send().await.unwrap();
    let me: serde_json::Value = res.json().await.unwrap();
    assert_eq!(me["roles"][0]["role"], "admin");
    // After five wrong passwords this client is refused for the account, even with the right one
    // (another client is not: see accounts.rs).
    for _ in 0..5 {
        assert_eq!(login("salah-salah-salah").await.status(), 401);
    }
    let locked = login("salah-salah-salah").await;
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    assert_eq!(login("rahasia-sekali-123").await.status(), 429);
    // Signing out ends the session.
    let res = app.client.post(app.url("/api/v1/auth/logout")).header("cookie", &session).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let res = app.client.get(app.url("/api/v1/auth/me")).header("cookie", &session).send().await.unwrap();
    assert_eq!(res.status(), 401);
});

both!(admins_manage_holidays_and_webhooks_others_may_not, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let path = "/api/v1/jurisdictions/tangerangkota.go.id/holidays";
    let body = json!({"add": [{"date": "2026-12-01", "kind": "libur_daerah", "name": "HUT Kota"}]});
    assert_eq!(app.call("PUT", path, Some(&operator), None, Some(body.clone())).await.0, 403);
    let (s, v) = app.call("PUT", path, Some(&admin), None, Some(body)).await;
    assert_eq!(s, 200, "{v}");
    assert!(v.as_array().unwrap().iter().any(|h| h["date"] == "2026-12-01"));
    let (s, v) = app
        .call(
            "PUT",
            path,
            Some(&admin),
            None,
            Some(json!({"add": [{"date": "2026-13-01", "kind": "libur_daerah", "name": "x"}]})),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    // The new holiday moves deadlines: a report on Saturday 28 Nov is verified by Thursday 3 Dec, not Wednesday.
    let (id, _) = app.report("pju-mati", "publik", None).await;
    let (_, v) = app.get_json(&format!("/open311/v2/requests/{id}.json?jurisdiction_id=tangerangkota.go.id")).await;
    assert_eq!(v[0]["expected_datetime"], "2026-12-03T23:59:59+07:00", "{v}");
    let (s, v) = app
        .call(
            "POST",
            "/api/v1/jurisdictions/tangerangkota.go.id/webhooks",
            Some(&admin),
            None,
            Some(json!({"url": "http://127.0.0.1:9/hook"})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert!(v["secret"].as_str().unwrap().starts_with("whsec_"));
    let hook_id = v["id"].as_i64().unwrap();
    let (s, v) = app.call("GET", "/api/v1/jurisdictions/tangerangkota.go.id/webhooks", Some(&admin), None, None).await;
    assert_eq!(s, 200);
    assert!(v[0].get("secret").is_none(), "the secret is shown once");
    // Nobody listens on port 9: the delivery fails, is logged, and waits for its retry.
    app.jobs_may_fail.store(true, std::sync::atomic::Ordering::Relaxed);
    app.report("sampah-menumpuk", "publik", None).await;
    app.worker.drain().await.unwrap();
    let path = format!("/api/v1/jurisdictions/tangerangkota.go.id/webhooks/{hook_id}/deliveries");
    let (s, log) = app.call("GET", &path, Some(&admin), None, None).await;
    assert_eq!(s, 200, "{log}");
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");
    assert!(log[0]["status_code"].is_null() && log[0]["error"].is_string(), "{log}");
    let (queued, dead) = laksana_store::jobs::counts(&app.db).await.unwrap();
    assert!(queued >= 1 && dead == 0, "the failed delivery waits for its retry: {queued} {dead}");
    // Ten minutes later the retry is due; it fails again and is logged again.
    app.clock.advance_seconds(600);
    app.worker.drain().await.unwrap();
    let (_, log) = app.call("GET", &path, Some(&admin), None, None).await;
    assert_eq!(log.as_array().unwrap().len(), 2, "{log}");
    assert_eq!(log[0]["attempt"], 2);
    assert_eq!(
        app.call("GET", "/api/v1/jurisdictions/tangerangkota.go.id/webhooks", Some(&operator), None, None).await.0,
        403
    );
});

both!(the_inbox_shows_each_role_its_own_work, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let dlh = app.staff("dlh@kota.test", Role::Officer, Some("DLH")).await;
    let (pju, _) = app.report("pju-mati", "rahasia", None).await;
    let (sampah, _) = app.report("sampah-menumpuk", "anonim", None).await;
    for id in [&pju, &sampah] {
        assert_eq!(
            app.act(Some(&operator), None, id, json!({"action": "verify", "expected_status": "submitted"})).await.0,
            200
        );
    }
    let (s, v) = app.call("GET", "/api/v1/inbox?status=dispositioned", Some(&operator), None, None).await;
    assert_eq!(s, 200, "{v}");
    let ids: Vec<&str> = v["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&pju.as_str()) && ids.contains(&sampah.as_str()), "operators see rahasia too: {ids:?}");
    let (s, v) = app.call("GET", "/api/v1/inbox?status=dispositioned", Some(&dlh), None, None).await;
    assert_eq!(s, 200);
    let ids: Vec<&str> = v["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(
        ids.contains(&sampah.as_str()) && !ids.contains(&pju.as_str()),
        "an officer sees the agency's reports only: {ids:?}"
    );
    assert!(v["items"].as_array().unwrap().iter().all(|r| r["agency"] == "Dinas Lingkungan Hidup"), "{v}");
    assert!(v["items"][0]["deadline"]["working_days_left"].is_i64(), "with the countdown");
    assert!(!v.to_string().contains("Rahmawati"));
    let disperkim = app.agency("DISPERKIM").await;
    assert_eq!(app.call("GET", &format!("/api/v1/inbox?agency_id={disperkim}"), Some(&dlh), None, None).await.0, 403);
    assert_eq!(app.call("GET", "/api/v1/inbox", None, None, None).await.0, 401);
    let citizen_key = laksana_store::seed::DEMO_API_KEY;
    assert_eq!(app.call("GET", "/api/v1/inbox", Some(citizen_key), None, None).await.0, 401);
});

both!(webhooks_never_reach_private_addresses_unless_allowed, |app| {
    // Deliveries to refused addresses fail, and are kept for their retries.
    app.jobs_may_fail.store(true, std::sync::atomic::Ordering::Relaxed);
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let (s, v) = app
        .call(
            "POST",
            "/api/v1/jurisdictions/tangerangkota.go.id/webhooks",
            Some(&admin),
            None,
            Some(json!({"url": "http://169.254.169.254/latest/meta-data"})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let hook_id = v["id"].as_i64().unwrap();
    app.report("sampah-menumpuk", "publik", None).await;
    // A worker as production runs it: private addresses refused.
    let clock: std::sync::Arc<dyn laksana_core::Clock> = app.clock.clone();
    let config = laksana_jobs::WorkerConfig {
        media_dir: app.media_dir(),
        mail: laksana_jobs::MailConfig::Dir(app.mail_dir()),
        mail_from: "Laksana <laksana@test.invalid>".into(),
        public_url: app.base.clone(),
        webhooks_allow_private: false,
    };
    laksana_jobs::Worker::new(app.db.clone(), clock, &config).unwrap().drain().await.unwrap();
    let (_, log) = app
        .call(
            "GET",
            &format!("/api/v1/jurisdictions/tangerangkota.go.id/webhooks/{hook_id}/deliveries"),
            Some(&admin),
            None,
            None,
        )
        .await;
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");
    assert!(log[0]["error"].as_str().unwrap().contains("not a public address"), "{log}");
    let (_, dead) = laksana_store::jobs::counts(&app.db).await.unwrap();
    assert_eq!(dead, 1, "refused for good, not retried");
});

both!(the_ombudsman_sees_every_official_act_on_settings, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let ombudsman = app.staff("ombudsman@kota.test", Role::Ombudsman, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let base = "/api/v1/jurisdictions/tangerangkota.go.id";
    let (s, _) =
        app.call("PUT", &format!("{base}/deadlines"), Some(&admin), None, Some(json!({"verification": 2}))).await;
    assert_eq!(s, 200);
    let holidays = json!({"add": [{"date": "2026-12-24", "kind": "cuti_bersama", "name": "Cuti bersama Natal"}]});
    assert_eq!(app.call("PUT", &format!("{base}/holidays"), Some(&admin), None, Some(holidays)).await.0, 200);
    let (s, v) = app.call("GET", &format!("{base}/activity?limit=2"), Some(&ombudsman), None, None).await;
    assert_eq!(s, 200, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((items[0]["subject"].as_str(), items[0]["action"].as_str()), (Some("holidays"), Some("changed")));
    assert_eq!(items[1]["subject"], "deadlines");
    assert_eq!(items[1]["data"]["verification"], 2);
    assert!(items[0]["actor"].as_str().unwrap().starts_with("user:"), "{v}");
    assert!(items[0]["data"].to_string().contains("Cuti bersama Natal"), "{v}");
    // The next page goes on with older acts: the staff accounts this test created.
    let cursor = v["next_cursor"].as_str().unwrap();
    let (s, older) =
        app.call("GET", &format!("{base}/activity?limit=200&cursor={cursor}"), Some(&ombudsman), None, None).await;
    assert_eq!(s, 200);
    assert!(older["items"].as_array().unwrap().iter().any(|a| a["subject"] == "grant"), "{older}");
    // Those whose acts it records do not read it; nobody unnamed does.
    assert_eq!(app.call("GET", &format!("{base}/activity"), Some(&operator), None, None).await.0, 403);
    assert_eq!(app.call("GET", &format!("{base}/activity"), None, None, None).await.0, 401);
    assert_eq!(app.call("GET", &format!("{base}/activity?cursor=abc"), Some(&ombudsman), None, None).await.0, 400);
});

both!(settings_refuse_the_caller_before_reading_the_body, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let base = "/api/v1/jurisdictions/tangerangkota.go.id";
    let put = |key: Option<String>| {
        let mut req = app.client.put(app.url(&format!("{base}/deadlines"))).header("content-type", "text/plain");
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        async move { req.body("bukan json").send().await.unwrap() }
    };
    // Who asks is settled first; only an admin's body is read (and then refused as problem+json).
    for (key, want) in [(None, 401), (Some(operator.clone()), 403), (Some(admin.clone()), 400)] {
        let res = put(key).await;
        assert_eq!(res.status().as_u16(), want);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    // A staff account and its role are created together or not at all.
    let elsewhere = {
        let (_, v) =
            app.call("GET", "/api/v1/services?jurisdiction_id=tangerangselatankota.go.id", None, None, None).await;
        assert!(v.is_array());
        laksana_store::catalog::agencies(&app.db, "tangerangselatankota.go.id").await.unwrap()[0].id
    };
    let user = |agency: i64| json!({"email": "petugas@kota.test", "role": "officer", "agency_id": agency});
    let (s, v) = app.call("POST", &format!("{base}/users"), Some(&admin), None, Some(user(elsewhere))).await;
    assert_eq!(s, 400, "{v}");
    let dlh = app.agency("DLH").await;
    let (s, v) = app.call("POST", &format!("{base}/users"), Some(&admin), None, Some(user(dlh))).await;
    assert_eq!(s, 201, "the refused attempt left no account behind: {v}");
    // A bad key learns nothing from its body.
    let res = app.submit_raw(Some("lks_salah"), "{").await;
    assert_eq!(res.status().as_u16(), 403);
});
