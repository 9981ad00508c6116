//! The privacy rules (docs/ARCHITECTURE.md, Privacy) as a matrix: every role × every privacy level ×
//! every output path.

use std::sync::{Arc, Mutex};

use laksana_core::access::Role;
use serde_json::json;

use crate::both;

const NAME: &str = "Rahmawati";
const EMAIL: &str = "siti.rahasia@warga.test";
const PHONE: &str = "081234567890";
const NOTE: &str = "CATATAN-INTERNAL-7781";

/// Who looks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Public,
    Reporter,
    Operator,
    Officer,
    OtherOfficer,
    AgencyHead,
    Leader,
    Ombudsman,
    Admin,
}

/// What the privacy rules (docs/ARCHITECTURE.md) allow: (sees the report, sees full contact, sees the first name, sees internal notes).
fn allowed(who: Who, privacy: &str) -> (bool, bool, bool, bool) {
    let publik = privacy == "publik";
    let listed = privacy != "rahasia";
    match who {
        Who::Public | Who::OtherOfficer => (listed, false, publik, false),
        Who::Reporter => (true, true, true, false),
        Who::Operator | Who::Ombudsman => (true, true, true, true),
        Who::Officer | Who::AgencyHead => (true, publik, publik, true),
        Who::Leader | Who::Admin => (true, false, publik, true),
    }
}

/// A webhook receiver on loopback that keeps every body and signature it gets.
async fn receiver() -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let keep = keep.clone();
            async move {
                let sig =
                    headers.get("x-laksana-signature").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
                keep.lock().unwrap().push((body, sig));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

both!(no_role_sees_what_section_6_forbids, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let (hook_url, hooks) = receiver().await;
    let (s, hook) = app
        .call(
            "POST",
            "/api/v1/jurisdictions/tangerangkota.go.id/webhooks",
            Some(&admin),
            None,
            Some(json!({"url": hook_url})),
        )
        .await;
    assert_eq!(s, 201);
    let secret = hook["secret"].as_str().unwrap().to_owned();
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let keys = [
        (Who::Operator, operator.clone()),
        (Who::Officer, app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await),
        (Who::OtherOfficer, app.staff("dishub@kota.test", Role::Officer, Some("DISHUB")).await),
        (Who::AgencyHead, app.staff("kadis@kota.test", Role::AgencyHead, Some("DISPERKIM")).await),
        (Who::Leader, app.staff("walikota@kota.test", Role::Leader, None).await),
        (Who::Ombudsman, app.staff("ombudsman@kota.test", Role::Ombudsman, None).await),
        (Who::Admin, admin),
    ];
    let mut ids = Vec::new();
    for privacy in ["publik", "anonim", "rahasia"] {
        let body = json!({
            "service_code": "pju-mati", "description": format!("Lampu mati ({privacy})"), "lat": -6.1783, "long": 106.6319, "privacy": privacy,
            "reporter": {"first_name": "Siti", "last_name": NAME, "email": EMAIL, "phone": PHONE}
        });
        let (s, v) =
            app.call("POST", "/api/v1/reports", Some(laksana_store::seed::DEMO_API_KEY), None, Some(body)).await;
        assert_eq!(s, 201);
        let (id, code) = (v["id"].as_str().unwrap().to_owned(), v["follow_up_code"].as_str().unwrap().to_owned());
        assert_eq!(
            app.act(
                Some(&operator),
                None,
                &id,
                json!({"action": "verify", "expected_status": "submitted", "note": NOTE})
            )
            .await
            .0,
            200
        );
        let (s, _) = app
            .call(
                "POST",
                &format!("/api/v1/reports/{id}/comments"),
                Some(&operator),
                None,
                Some(json!({"text": format!("{NOTE} kedua")})),
            )
            .await;
        assert_eq!(s, 200);
        ids.push((privacy, id.clone()));

        let mut lookers: Vec<(Who, Option<String>, Option<String>)> =
            vec![(Who::Public, None, None), (Who::Reporter, None, Some(code.clone()))];
        lookers.extend(keys.iter().map(|(w, k)| (*w, Some(k.clone()), None)));
        for (who, key, code) in lookers {
            let (sees, contact, name, internal) = allowed(who, privacy);
            let ctx = format!("{who:?} × {privacy}");
            // JSON API: the report.
            let (s, v) = app.call("GET", &format!("/api/v1/reports/{id}"), key.as_deref(), code.as_deref(), None).await;
            assert_eq!(s == 200, sees, "{ctx}: {s} {v}");
            if sees {
                let text = v.to_string();
                assert_eq!(text.contains(EMAIL), contact, "{ctx}: email {v}");
                assert_eq!(text.contains(PHONE), contact, "{ctx}: phone {v}");
                assert_eq!(text.contains(NAME), contact, "{ctx}: last name {v}");
                assert_eq!(text.contains("Siti"), name || contact, "{ctx}: first name {v}");
            } else {
                assert_eq!(s, 404, "{ctx}: existence is private");
            }
            // JSON API: the timeline.
            let (s, v) =
                app.call("GET", &format!("/api/v1/reports/{id}/events"), key.as_deref(), code.as_deref(), None).await;
            assert_eq!(s == 200, sees, "{ctx}");
            if sees {
                assert_eq!(v.to_string().contains(NOTE), internal, "{ctx}: internal notes {v}");
                assert!(!v.to_string().contains(EMAIL), "{ctx}");
            }
        }
        // Open311, one and list: the public's view whoever asks.
        let (s, v) = app
            .get_json(&format!("/open311/v2/requests/{id}.json?extensions=true&jurisdiction_id=tangerangkota.go.id"))
            .await;
        assert_eq!(s == 200, privacy != "rahasia", "open311 one × {privacy}");
        for bad in [NAME, EMAIL, PHONE, NOTE] {
            assert!(!v.to_string().contains(bad), "open311 one × {privacy}: {v}");
        }
    }
    let (_, list) =
        app.get_json("/open311/v2/requests.json?extensions=true&status=open&jurisdiction_id=tangerangkota.go.id").await;
    let (_, updates) = app.get_json("/open311/v2/servicerequestupdates.json?start_date=2026-11-27T00:00:00%2B07:00&jurisdiction_id=tangerangkota.go.id").await;
    let (_, api_list) = app
        .call("GET", "/api/v1/reports?status=open&limit=200&jurisdiction_id=tangerangkota.go.id", None, None, None)
        .await;
    for (privacy, id) in &ids {
        for (what, doc) in [("open311 list", &list), ("open311 updates", &updates), ("api list", &api_list)] {
            assert_eq!(doc.to_string().contains(id.as_str()), *privacy != "rahasia", "{what} × {privacy}");
            for bad in [NAME, EMAIL, PHONE, NOTE] {
                assert!(!doc.to_string().contains(bad), "{what}: {bad}");
            }
        }
    }
    // Notifications: staff notices carry no identity; webhooks neither, and never a rahasia report.
    for (to, mail) in app.mails().await {
        if !to.contains(EMAIL) {
            for bad in [NAME, EMAIL, PHONE] {
                assert!(!mail.contains(bad), "mail to {to} leaks {bad}");
            }
        }
    }
    let got = hooks.lock().unwrap().clone();
    assert!(got.len() >= 4, "received and verified for publik and anonim: {got:?}");
    let rahasia = &ids[2].1;
    for (body, sig) in &got {
        assert_eq!(sig, &laksana_jobs::signature(&secret, body.as_bytes()), "signed with the secret");
        assert!(!body.contains(rahasia.as_str()), "no webhook for a rahasia report");
        for bad in [NAME, EMAIL, PHONE, NOTE] {
            assert!(!body.contains(bad), "webhook leaks {bad}: {body}");
        }
    }
    let (s, log) = app
        .call(
            "GET",
            &format!("/api/v1/jurisdictions/tangerangkota.go.id/webhooks/{}/deliveries", hook["id"]),
            Some(&keys[6].1),
            None,
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(log.as_array().unwrap().len(), got.len(), "every delivery is logged");
    assert!(log.as_array().unwrap().iter().all(|d| d["status_code"] == 200));
});

both!(a_duplicate_stops_naming_its_original_once_the_original_is_rahasia, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let (original, _) = app.report("sampah-menumpuk", "publik", Some("siti@warga.test")).await;
    let (dup, _) = app.report("sampah-menumpuk", "publik", None).await;
    let (s, v) = app
        .act(
            Some(&operator),
            None,
            &dup,
            serde_json::json!({"action": "mark_duplicate", "expected_status": "submitted", "of": original}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let j = "jurisdiction_id=tangerangkota.go.id";
    let outputs = || async {
        let (_, _, timeline) = app.get_text(&format!("/api/v1/reports/{dup}/events?{j}")).await;
        let (_, _, request) = app.get_text(&format!("/open311/v2/requests/{dup}.json?{j}")).await;
        let (_, _, list) = app.get_text(&format!("/open311/v2/requests.json?{j}&status=closed&page_size=1000")).await;
        let (_, _, updates) = app.get_text(&format!("/open311/v2/servicerequestupdates.json?{j}&page_size=1000")).await;
        [timeline, request, list, updates]
    };
    // While the original is public, the duplicate's public outputs name it.
    assert!(outputs().await.iter().any(|o| o.contains(&original)));
    // It is raised to rahasia: from then on no public output names it.
    let (s, v) = app
        .call(
            "POST",
            &format!("/api/v1/reports/{original}/privacy?{j}"),
            Some(&operator),
            None,
            Some(serde_json::json!({"privacy": "rahasia"})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    for (name, text) in ["timeline", "request", "list", "updates"].iter().zip(outputs().await) {
        assert!(!text.contains(&original), "{name} still names the original: {text}");
    }
    let (_, _, timeline) = app.get_text(&format!("/api/v1/reports/{dup}/events?{j}")).await;
    assert!(timeline.contains("duplicate of another report"), "{timeline}");
    // Staff still see which report it duplicates.
    let (_, v) = app.call("GET", &format!("/api/v1/reports/{dup}"), Some(&operator), None, None).await;
    assert_eq!(v["duplicate_of"], original.as_str());
});

both!(wrong_follow_up_codes_are_limited_per_report_from_any_number_of_addresses, |app| {
    let (id, code) = app.report("pju-mati", "publik", None).await;
    let (other, other_code) = app.report("pju-mati", "publik", None).await;
    let from = |i: u32| {
        let ip: std::net::IpAddr = format!("127.0.{}.{}", 10 + i / 200, 1 + i % 200).parse().unwrap();
        reqwest::Client::builder().local_address(ip).build().unwrap()
    };
    let get = |client: reqwest::Client, report: String, code: String| {
        let url = app.url(&format!("/api/v1/reports/{report}?jurisdiction_id=tangerangkota.go.id"));
        async move { client.get(url).header("x-follow-up-code", code).send().await.unwrap().status().as_u16() }
    };
    // Ten addresses send twenty wrong codes each: every one is answered, none of them is over its own limit.
    for i in 0..10 {
        let client = from(i);
        for n in 0..20 {
            assert_eq!(get(client.clone(), id.clone(), format!("{n:010}")).await, 403, "address {i}, try {n}");
        }
    }
    // The report had its 200 wrong codes this hour: from a new address, even the right code waits.
    let fresh = from(99);
    assert_eq!(get(fresh.clone(), id.clone(), "0000000000".into()).await, 429);
    assert_eq!(get(fresh.clone(), id.clone(), code).await, 429);
    // Other reports are not affected.
    assert_eq!(get(fresh, other, other_code).await, 200);
});
