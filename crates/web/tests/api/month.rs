//! A month in the life of the demo city, through the API alone: citizens report, operators verify
//! and dispose, officers plan and resolve (one agency falls behind), deadlines pass and escalate,
//! citizens confirm, reopen or stay silent. The fake clock moves a day at a time; the ticker and the
//! outbox run after each day. At the end the audit trail verifies and nobody saw what the privacy rules forbid.

use std::collections::BTreeMap;

use laksana_core::access::Role;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TestApp;

const J: &str = "jurisdiction_id=tangerangkota.go.id";
/// (service, agency code): DPUPR is the agency that falls behind.
const SERVICES: [(&str, &str); 4] =
    [("pju-mati", "DISPERKIM"), ("sampah-menumpuk", "DLH"), ("parkir-liar", "DISHUB"), ("drainase-tersumbat", "DPUPR")];

struct Tracked {
    code: String,
    agency: &'static str,
    privacy: &'static str,
    email: Option<String>,
    n: usize,
}

struct City {
    operator: String,
    officers: BTreeMap<&'static str, String>,
    leader: String,
    ombudsman: String,
}

async fn status_of(app: &TestApp, key: &str, id: &str) -> Value {
    let (s, v) = app.call("GET", &format!("/api/v1/reports/{id}?{J}"), Some(key), None, None).await;
    assert_eq!(s, 200, "{v}");
    v
}

/// Acts and checks the answer; a 409 is allowed only when `may_conflict`.
async fn act(app: &TestApp, key: Option<&str>, code: Option<&str>, id: &str, body: Value, expect: &str) {
    let (s, v) = app.act(key, code, id, body.clone()).await;
    assert_eq!((s, v["status"].as_str()), (200, Some(expect)), "{body} on {id}: {v}");
}

both!(a_month_in_the_life_of_the_city, |app| {
    let mut officers = BTreeMap::new();
    for (_, agency) in SERVICES {
        officers.insert(
            agency,
            app.staff(&format!("petugas.{}@kota.test", agency.to_lowercase()), Role::Officer, Some(agency)).await,
        );
        app.staff(&format!("kepala.{}@kota.test", agency.to_lowercase()), Role::AgencyHead, Some(agency)).await;
    }
    let city = City {
        operator: app.staff("operator@kota.test", Role::Operator, None).await,
        officers,
        leader: app.staff("walikota@kota.test", Role::Leader, None).await,
        ombudsman: app.staff("ombudsman@kota.test", Role::Ombudsman, None).await,
    };
    let mut tracked: BTreeMap<String, Tracked> = BTreeMap::new();
    let mut n = 0usize;
    let start = laksana_core::Clock::now(app.clock.as_ref());

    for day in 0..30 {
        let today = start.plus_days(day);
        app.clock.set(today);
        let weekday = chrono::Datelike::weekday(&today.to_utc().with_timezone(&chrono_tz::Asia::Jakarta));
        let working = !matches!(weekday, chrono::Weekday::Sat | chrono::Weekday::Sun);

        // Citizens report every day: three reports, all privacy levels, some with an email.
        for _ in 0..3 {
            n += 1;
            let (service, agency) = SERVICES[n % 4];
            let privacy = ["publik", "anonim", "rahasia"][n % 3];
            let email = n.is_multiple_of(2).then(|| format!("warga{n}@warga.test"));
            let mut body = json!({
                "service_code": service, "description": format!("Laporan warga nomor {n}"), "lat": -6.1783, "long": 106.6319,
                "privacy": privacy, "reporter": {"first_name": "Warga", "last_name": format!("Rahasia{n}"), "phone": format!("0812000{n:04}")},
                "language": if n.is_multiple_of(5) { "en" } else { "id" }
            });
            if let Some(e) = &email {
                body["reporter"]["email"] = e.clone().into();
            }
            let (s, v) = app
                .call(
                    "POST",
                    &format!("/api/v1/reports?{J}"),
                    Some(laksana_store::seed::DEMO_API_KEY),
                    None,
                    Some(body),
                )
                .await;
            assert_eq!(s, 201, "{v}");
            let id = v["id"].as_str().unwrap().to_owned();
            tracked.insert(
                id,
                Tracked { code: v["follow_up_code"].as_str().unwrap().to_owned(), agency, privacy, email, n },
            );
        }

        let ids: Vec<String> = tracked.keys().cloned().collect();
        for id in &ids {
            let t = &tracked[id];
            let v = status_of(&app, &city.operator, id).await;
            let status = v["status"].as_str().unwrap().to_owned();
            let officer = city.officers[t.agency].as_str();
            let lazy = t.agency == "DPUPR";
            let code = t.code.clone();
            match status.as_str() {
                "submitted" if working => {
                    let body = match t.n % 13 {
                        3 => {
                            json!({"action": "request_info", "expected_status": "submitted", "question": "Mohon sebutkan nomor tiang atau patokan terdekat"})
                        }
                        7 => {
                            json!({"action": "archive", "expected_status": "submitted", "reason": "spam", "note": "Iklan"})
                        }
                        11 => {
                            json!({"action": "forward_not_authority", "expected_status": "submitted", "to": "Balai Besar Wilayah Sungai"})
                        }
                        9 => {
                            let original =
                                ids.iter().find(|o| *o != id && tracked[*o].agency == t.agency).unwrap().clone();
                            json!({"action": "mark_duplicate", "expected_status": "submitted", "of": original})
                        }
                        _ => json!({"action": "verify", "expected_status": "submitted"}),
                    };
                    let expect = match t.n % 13 {
                        3 => "needs_info",
                        7 | 9 => "archived",
                        11 => "not_authority",
                        _ => "dispositioned",
                    };
                    act(&app, Some(&city.operator), None, id, body, expect).await;
                }
                // Half of those asked answer (with their follow-up code); the rest stay silent.
                "needs_info" if t.n.is_multiple_of(2) => {
                    act(
                        &app,
                        None,
                        Some(&code),
                        id,
                        json!({"action": "provide_info", "expected_status": "needs_info", "answer": "Tiang nomor 17"}),
                        "submitted",
                    )
                    .await;
                }
                "dispositioned" | "reopened" if working && !lazy => {
                    act(
                        &app,
                        Some(officer),
                        None,
                        id,
                        json!({"action": "plan", "expected_status": status, "plan": "Tim dijadwalkan besok"}),
                        "in_progress",
                    )
                    .await;
                }
                "in_progress" if working && !lazy => {
                    act(
                        &app,
                        Some(officer),
                        None,
                        id,
                        json!({"action": "resolve", "expected_status": "in_progress", "evidence": "Sudah ditangani"}),
                        "resolved",
                    )
                    .await;
                }
                "resolved" => match t.n % 4 {
                    0 => {
                        act(
                            &app,
                            None,
                            Some(&code),
                            id,
                            json!({"action": "confirm", "expected_status": "resolved", "rating": 4}),
                            "closed",
                        )
                        .await
                    }
                    1 if v["version"].as_i64().unwrap() < 8 => {
                        act(
                            &app,
                            None,
                            Some(&code),
                            id,
                            json!({"action": "reopen", "expected_status": "resolved", "reason": "Belum beres"}),
                            "reopened",
                        )
                        .await
                    }
                    _ => {} // silent: the ticker closes it
                },
                _ => {}
            }
        }
        // Night: the ticker and the outbox.
        app.clock.set(today.plus_seconds(14 * 3600));
        app.ticker.run_once().await.unwrap();
        app.worker.drain().await.unwrap();
    }

    // What a month leaves behind.
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut levels = [0usize; 3];
    for id in tracked.keys() {
        let v = status_of(&app, &city.operator, id).await;
        *by_status.entry(v["status"].as_str().unwrap().to_owned()).or_default() += 1;
        levels[v["escalation_level"].as_i64().unwrap() as usize] += 1;
    }
    for s in ["closed", "archived", "not_authority", "dispositioned"] {
        assert!(by_status.get(s).copied().unwrap_or(0) > 0, "{s} is reached: {by_status:?}");
    }
    assert!(levels[1] + levels[2] > 0 && levels[2] > 0, "the lazy agency's reports escalate to the leader: {levels:?}");
    // Unanswered requests for information were archived as incomplete; silent reporters' resolutions closed.
    let (_, ev) = app.call("GET", &format!("/open311/v2/servicerequestupdates.json?{J}&start_date=2026-11-27T00:00:00%2B07:00&end_date=2027-01-31T00:00:00%2B07:00"), None, None, None).await;
    assert!(ev.as_array().unwrap().len() > 100, "the month's public updates");

    // The ticker's timeouts happened: unanswered requests archived as incomplete, silent reporters' resolutions closed.
    let db = &app.db;
    let by_ticker = |what: &str| {
        let sql = format!(
            "SELECT COUNT(*) FROM audit_events e JOIN reports r ON r.id = e.report_id WHERE e.actor = 'system' AND e.kind = 'status' AND {what}"
        );
        async move { laksana_store::testing::scalar(db, &sql).await }
    };
    assert!(by_ticker("e.status = 'archived' AND r.archive_reason = 'incomplete'").await > 0, "info-reply timeouts");
    assert!(by_ticker("e.status = 'closed'").await > 0, "confirmation timeouts");
    let rated = laksana_store::testing::scalar(&app.db, "SELECT COUNT(*) FROM reports WHERE rating = 4").await;
    assert!(rated > 0, "confirmations store their rating");

    let mails = app.mails().await;
    let to = |who: &str| mails.iter().filter(|(t, _)| t.contains(who)).count();
    assert!(to("kepala.dpupr@kota.test") > 0, "the lazy agency's head hears of overdue reports");
    assert!(to("walikota@kota.test") > 0, "the leader hears of second-level escalations");
    assert!(to("petugas.dlh@kota.test") > 0, "officers hear of dispositions");
    assert!(
        mails.iter().any(|(_, m)| m.contains("Report ") && m.contains("received")),
        "English for those who chose it"
    );
    // Notices never carry identity to staff, and every reporter with an email heard back.
    for (t, m) in &mails {
        if t.contains("@kota.test") {
            assert!(!m.contains("Rahasia") && !m.contains("0812000"), "a staff notice leaks identity: {m}");
        }
    }
    for (id, t) in &tracked {
        if let Some(e) = &t.email {
            assert!(
                mails.iter().any(|(to, m)| to.contains(e.as_str()) && m.contains(id.as_str())),
                "{e} got a receipt"
            );
        }
        // The privacy rules for the public, another agency, the leader and the ombudsman.
        let public = app.call("GET", &format!("/api/v1/reports/{id}?{J}"), None, None, None).await;
        assert_eq!(public.0 == 200, t.privacy != "rahasia", "{id} {}", t.privacy);
        assert!(!public.1.to_string().contains("Rahasia"), "public sees no last name");
        let other = if t.agency == "DLH" { "DISHUB" } else { "DLH" };
        let (s, v) =
            app.call("GET", &format!("/api/v1/reports/{id}?{J}"), Some(&city.officers[other]), None, None).await;
        if s == 200 {
            assert!(!v.to_string().contains("Rahasia"), "another agency sees no reporter");
        }
        let (s, v) = app.call("GET", &format!("/api/v1/reports/{id}?{J}"), Some(&city.leader), None, None).await;
        assert_eq!(s, 200, "the leader reads every report");
        assert!(!v.to_string().contains("0812000"), "the leader sees no contact");
        let (_, v) = app.call("GET", &format!("/api/v1/reports/{id}?{J}"), Some(&city.ombudsman), None, None).await;
        assert!(v.to_string().contains("0812000"), "the ombudsman sees everything");
    }
    let (_, list) = app
        .call("GET", &format!("/open311/v2/requests.json?{J}&start_date=2026-11-01T00:00:00%2B07:00"), None, None, None)
        .await;
    for (id, t) in &tracked {
        assert_eq!(
            list.to_string().contains(id.as_str()),
            t.privacy != "rahasia",
            "{id} in Open311 only if not rahasia"
        );
    }
    assert!(!list.to_string().contains("Rahasia"));

    let (s, v) =
        app.call("GET", "/api/v1/jurisdictions/tangerangkota.go.id/audit", Some(&city.ombudsman), None, None).await;
    assert_eq!(s, 200);
    assert_eq!(v["intact"], true, "{v}");
    assert!(v["events"].as_u64().unwrap() > 1_000);
});
