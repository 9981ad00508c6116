//! Keys and accounts an admin manages: listing and revoking API keys, disabling accounts (their
//! sessions and bound keys stop at once), removing roles; and who may do it.

use laksana_core::Clock;
use laksana_core::access::{Grant, Role};
use laksana_store::users;

use crate::both;
use crate::helpers::KEY;

const BASE: &str = "/api/v1/jurisdictions/tangerangkota.go.id";

both!(a_disabled_accounts_key_stops_at_once_and_works_again_when_enabled, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (id, _) = app.report("pju-mati", "rahasia", None).await;
    // The officer's key works: the inbox, and a rahasia report of the officer's agency once routed.
    assert_eq!(app.call("GET", "/api/v1/inbox", Some(&officer), None, None).await.0, 200);
    let uid = laksana_store::users::find_by_email(&app.db, "pju@kota.test").await.unwrap().unwrap().id;

    let (s, v) = app.call("POST", &format!("{BASE}/users/{uid}/disable"), Some(&admin), None, None).await;
    assert_eq!((s, v["disabled"].as_bool()), (200, Some(true)), "{v}");
    // Right away, on the instance that disabled it and on any other (nothing about it is cached).
    let (s, v) = app.call("GET", "/api/v1/inbox", Some(&officer), None, None).await;
    assert_eq!(s, 401, "{v}");
    assert_eq!(app.call("GET", &format!("/api/v1/reports/{id}"), Some(&officer), None, None).await.0, 401);
    let plan = serde_json::json!({"action": "plan", "version": 1, "note": "x"});
    assert_eq!(app.act(Some(&officer), None, &id, plan).await.0, 401);
    // Its key cannot submit through Open311 either.
    let (s, v) = app
        .post_form(
            "/open311/v2/requests.json",
            &[
                ("api_key", officer.as_str()),
                ("service_code", "pju-mati"),
                ("lat", "-6.17"),
                ("long", "106.63"),
                ("description", "Lampu jalan mati di gang."),
            ],
        )
        .await;
    assert_eq!(s, 403, "{v}");

    let (s, _) = app.call("POST", &format!("{BASE}/users/{uid}/enable"), Some(&admin), None, None).await;
    assert_eq!(s, 200);
    assert_eq!(app.call("GET", "/api/v1/inbox", Some(&officer), None, None).await.0, 200);
    // Both acts are in the jurisdiction's activity, with the admin as actor.
    let (_, act) = app.call("GET", &format!("{BASE}/activity"), Some(&admin), None, None).await;
    let kinds: Vec<&str> = act["items"].as_array().unwrap().iter().filter_map(|a| a["action"].as_str()).collect();
    assert!(kinds.contains(&"disabled") && kinds.contains(&"enabled"), "{act}");
});

both!(a_disabled_account_cannot_sign_in_and_its_session_ends, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    app.staff("op@kota.test", Role::Operator, None).await;
    laksana_store::users::set_password(&app.db, "op@kota.test", "rahasia-sekali-123", "test", app.clock.now())
        .await
        .unwrap();
    let login = serde_json::json!({"email": "op@kota.test", "password": "rahasia-sekali-123"});
    let res = app.client.post(app.url("/api/v1/auth/login")).json(&login).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let me = || app.client.get(app.url("/api/v1/auth/me")).header("cookie", &cookie).send();
    assert_eq!(me().await.unwrap().status(), 200);
    let uid = laksana_store::users::find_by_email(&app.db, "op@kota.test").await.unwrap().unwrap().id;
    assert_eq!(app.call("POST", &format!("{BASE}/users/{uid}/disable"), Some(&admin), None, None).await.0, 200);
    assert_eq!(me().await.unwrap().status(), 401, "the session ended");
    let again = app.client.post(app.url("/api/v1/auth/login")).json(&login).send().await.unwrap();
    assert_eq!(again.status(), 401);
});

both!(keys_are_listed_without_their_secret_and_a_revoked_key_is_refused_at_once, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    // The demo key works (and is now remembered by the server's key cache).
    let (id, _) = app.report("pju-mati", "publik", None).await;
    assert!(!id.is_empty());
    let (s, list) = app.call("GET", &format!("{BASE}/apikeys"), Some(&admin), None, None).await;
    assert_eq!(s, 200, "{list}");
    let text = list.to_string();
    assert!(!text.contains(KEY) && !text.contains(&admin), "no key is ever shown: {text}");
    let demo = list.as_array().unwrap().iter().find(|k| k["name"] == "demo").unwrap();
    assert!(KEY.starts_with(demo["prefix"].as_str().unwrap()), "{demo}");
    assert!(demo["revoked_at"].is_null());
    let key_id = demo["id"].as_i64().unwrap();

    let (s, v) = app.call("DELETE", &format!("{BASE}/apikeys/{key_id}"), Some(&admin), None, None).await;
    assert_eq!(s, 204, "{v}");
    let (s, v) = app
        .post_form(
            "/open311/v2/requests.json",
            &[
                ("api_key", KEY),
                ("service_code", "pju-mati"),
                ("lat", "-6.17"),
                ("long", "106.63"),
                ("description", "Lampu jalan mati di gang."),
            ],
        )
        .await;
    assert_eq!(s, 403, "refused on the next request, although the key was cached: {v}");
    let (_, list) = app.call("GET", &format!("{BASE}/apikeys"), Some(&admin), None, None).await;
    let demo = list.as_array().unwrap().iter().find(|k| k["id"] == key_id).unwrap();
    assert!(demo["revoked_at"].is_string(), "{demo}");
    // Revoking again changes nothing; a key of no such id is 404.
    assert_eq!(app.call("DELETE", &format!("{BASE}/apikeys/{key_id}"), Some(&admin), None, None).await.0, 204);
    assert_eq!(app.call("DELETE", &format!("{BASE}/apikeys/999999"), Some(&admin), None, None).await.0, 404);
});

both!(a_role_can_be_removed_and_only_admins_manage_accounts, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let uid = laksana_store::users::find_by_email(&app.db, "op@kota.test").await.unwrap().unwrap().id;
    // Not an admin: refused, and nothing changes.
    for (method, path) in [
        ("GET", format!("{BASE}/apikeys")),
        ("DELETE", format!("{BASE}/apikeys/1")),
        ("POST", format!("{BASE}/users/{uid}/disable")),
        ("DELETE", format!("{BASE}/users/{uid}/roles/operator")),
    ] {
        assert_eq!(app.call(method, &path, Some(&operator), None, None).await.0, 403, "{method} {path}");
        assert_eq!(app.call(method, &path, None, None, None).await.0, 401, "{method} {path}");
    }
    assert_eq!(app.call("GET", "/api/v1/inbox", Some(&operator), None, None).await.0, 200);
    // An admin may not lock themselves out.
    let me = laksana_store::users::find_by_email(&app.db, "admin@kota.test").await.unwrap().unwrap().id;
    assert_eq!(app.call("POST", &format!("{BASE}/users/{me}/disable"), Some(&admin), None, None).await.0, 400);
    // Removing the operator role: the key no longer opens the inbox (the account has no role left).
    let (s, v) = app.call("DELETE", &format!("{BASE}/users/{uid}/roles/operator"), Some(&admin), None, None).await;
    assert_eq!(s, 204, "{v}");
    assert_eq!(app.call("GET", "/api/v1/inbox", Some(&operator), None, None).await.0, 403);
    assert_eq!(
        app.call("DELETE", &format!("{BASE}/users/{uid}/roles/operator"), Some(&admin), None, None).await.0,
        404
    );
    assert_eq!(app.call("DELETE", &format!("{BASE}/users/{uid}/roles/wizard"), Some(&admin), None, None).await.0, 400);
    // No such account, an account of another jurisdiction, and one that also works in another: none is
    // this admin's to manage.
    assert_eq!(app.call("POST", &format!("{BASE}/users/999999/disable"), Some(&admin), None, None).await.0, 404);
    let now = app.clock.now();
    let mut ids = Vec::new();
    for (email, both) in [("lain@kota.test", false), ("dua@kota.test", true)] {
        let new =
            users::NewUser { email: email.into(), display_name: email.into(), language: "id".into(), password: None };
        let u = users::create(&app.db, &new, "test", now).await.unwrap();
        let elsewhere = Grant::new(Role::Operator, Some("tangerangselatankota.go.id".into()), None).unwrap();
        users::grant(&app.db, u.id, &elsewhere, "test", now).await.unwrap();
        if both {
            let here = Grant::new(Role::Operator, Some("tangerangkota.go.id".into()), None).unwrap();
            users::grant(&app.db, u.id, &here, "test", now).await.unwrap();
        }
        ids.push(u.id);
    }
    let (s, v) = app.call("POST", &format!("{BASE}/users/{}/disable", ids[0]), Some(&admin), None, None).await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = app.call("POST", &format!("{BASE}/users/{}/disable", ids[1]), Some(&admin), None, None).await;
    assert_eq!(s, 403, "{v}");
    assert!(users::get(&app.db, ids[1]).await.unwrap().unwrap().disabled_at.is_none(), "left as it was");
});

both!(sign_in_throttling_tells_no_accounts_apart_and_locks_nobody_out_from_elsewhere, |app| {
    app.staff("admin2@kota.test", Role::Admin, None).await;
    laksana_store::users::set_password(&app.db, "admin2@kota.test", "rahasia-sekali-123", "test", app.clock.now())
        .await
        .unwrap();
    // Clients at two loopback addresses: an attacker and the account's owner.
    let from =
        |ip: &str| reqwest::Client::builder().local_address(ip.parse::<std::net::IpAddr>().unwrap()).build().unwrap();
    let (attacker, owner) = (from("127.0.0.1"), from("127.0.0.2"));
    let login = |client: &reqwest::Client, email: &str, pw: &str| {
        client.post(app.url("/api/v1/auth/login")).json(&serde_json::json!({"email": email, "password": pw})).send()
    };
    // Five wrong passwords for a real account and for an unknown email look exactly alike.
    for email in ["admin2@kota.test", "nobody@kota.test"] {
        for _ in 0..5 {
            assert_eq!(login(&attacker, email, "salah-salah-salah").await.unwrap().status(), 401, "{email}");
        }
        let refused = login(&attacker, email, "salah-salah-salah").await.unwrap();
        assert_eq!(refused.status(), 429, "{email}");
        let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=1800).contains(&wait), "{email}: {wait}");
    }
    // The attacker is refused even with the right password; the owner, elsewhere, signs in.
    assert_eq!(login(&attacker, "admin2@kota.test", "rahasia-sekali-123").await.unwrap().status(), 429);
    assert_eq!(login(&owner, "admin2@kota.test", "rahasia-sekali-123").await.unwrap().status(), 200);
});
