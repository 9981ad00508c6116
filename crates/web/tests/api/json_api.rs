//! The native JSON API: lists with cursors, one report, creating reports, problem+json errors and the
//! OpenAPI document.

use std::collections::HashSet;

use laksana_core::access::Role;

use crate::both;
use crate::helpers::*;

async fn problem(res: reqwest::Response, status: u16, mentions: &str) {
    assert_eq!(res.status().as_u16(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["status"], status);
    assert!(v["detail"].as_str().unwrap().contains(mentions), "{v}");
}

#[test]
fn the_openapi_document_is_3_1_and_describes_every_route() {
    let doc = laksana_web::openapi_json();
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert!(v["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/api/v1/reports", "/api/v1/reports/{id}", "/api/v1/services"] {
        assert!(v["paths"][path].is_object(), "{path} is documented");
    }
    insta::assert_snapshot!("openapi", doc);
}

both!(openapi_is_served, |app| {
    let (status, v) = app.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(v["info"]["title"], "Laksana API");
});

both!(services_list, |app| {
    let (status, v) = app.get_json(&format!("/api/v1/services?jurisdiction_id={TNG}")).await;
    assert_eq!(status, 200);
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 32);
    let jalan = list.iter().find(|s| s["code"] == "jalan-rusak").unwrap();
    assert_eq!(jalan["resolution_working_days"], 60);
    assert!(jalan["attributes"].as_array().unwrap().iter().any(|a| a["required"] == true));
    problem(app.get("/api/v1/services").await, 400, "jurisdiction_id is required").await;
    problem(app.get("/api/v1/services?jurisdiction_id=x.go.id").await, 404, "x.go.id").await;
});

both!(cursor_pagination_walks_every_public_report_once, |app| {
    let total = laksana_store::reports::list(
        &app.db,
        &laksana_store::reports::ReportFilter { jurisdiction_id: TNG.into(), limit: 100_000, ..Default::default() },
    )
    .await
    .unwrap()
    .len();
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, v) =
            app.get_json(&format!("/api/v1/reports?jurisdiction_id={TNG}&limit=113&cursor={cursor}")).await;
        assert_eq!(status, 200);
        seen.extend(v["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        match v["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), unique.len());
    assert_eq!(seen.len(), total);
    problem(app.get(&format!("/api/v1/reports?jurisdiction_id={TNG}&cursor=garbage")).await, 400, "cursor").await;
    problem(app.get(&format!("/api/v1/reports?jurisdiction_id={TNG}&limit=0")).await, 400, "limit").await;
    problem(app.get(&format!("/api/v1/reports?jurisdiction_id={TNG}&status=lost")).await, 400, "lost").await;
    problem(app.get(&format!("/api/v1/reports?jurisdiction_id={TNG}&limit=abc")).await, 400, "invalid query parameter")
        .await;
    problem(
        app.get(&format!("/api/v1/reports?jurisdiction_id={TNG}&limit=99999999999")).await,
        400,
        "invalid query parameter",
    )
    .await;
});

both!(status_filter_takes_laksana_and_open311_words, |app| {
    let (_, v) =
        app.get_json(&format!("/api/v1/reports?jurisdiction_id={TNG}&status=in_progress,reopened&limit=200")).await;
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|r| r["status"] == "in_progress" || r["status"] == "reopened"));
    assert!(items.iter().all(|r| r["colour"] == "yellow"));
    let (_, v) = app.get_json(&format!("/api/v1/reports?jurisdiction_id={TNG}&status=closed&limit=200")).await;
    assert!(v["items"].as_array().unwrap().iter().all(|r| r["colour"] == "green" || r["colour"] == "grey"));
});

both!(creating_a_report, |app| {
    let body = serde_json::json!({
        "service_code": "banjir",
        "description": "Genangan setinggi lutut di depan pasar.",
        "lat": -6.1702, "long": 106.6403,
        "attributes": {"ketinggian_air_cm": 45},
        "privacy": "anonim",
        "reporter": {"first_name": "Budi", "email": "budi@contoh.id"},
        "client_id": "app-123"
    });
    let res = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("authorization", format!("bearer {KEY}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "the scheme name is case-insensitive");
    let created: serde_json::Value = res.json().await.unwrap();
    assert_eq!(created["created"], true);
    let id = created["id"].as_str().unwrap();
    let again = app.client.post(app.url("/api/v1/reports")).bearer_auth(KEY).json(&body).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!((again["id"].as_str(), again["created"].as_bool()), (Some(id), Some(false)));

    let (status, r) = app.get_json(&format!("/api/v1/reports/{id}?jurisdiction_id={TNG}")).await;
    assert_eq!(status, 200);
    assert_eq!(r["status"], "submitted");
    assert_eq!(r["colour"], "red");
    assert_eq!(r["deadline"]["working_days_left"], 3);
    assert!(!r.to_string().contains("budi@contoh.id"));
    assert!(!r.to_string().contains("Budi"));
});

both!(create_refusals_are_problems, |app| {
    let url = app.url("/api/v1/reports");
    let ok = serde_json::json!({"service_code": "pju-mati", "address": "Jl. Sudirman 1"});
    problem(app.client.post(&url).json(&ok).send().await.unwrap(), 401, "Bearer").await;
    problem(app.client.post(&url).bearer_auth("nope").json(&ok).send().await.unwrap(), 403, "api_key is not valid")
        .await;
    problem(app.submit_raw(Some(KEY), "{not json").await, 400, "not a valid report").await;
    problem(app.client.post(&url).bearer_auth(KEY).body("{}").send().await.unwrap(), 415, "application/json").await;
    let unknown_field = serde_json::json!({"service_code": "pju-mati", "address": "x", "colour": "red"});
    problem(app.client.post(&url).bearer_auth(KEY).json(&unknown_field).send().await.unwrap(), 400, "colour").await;
    let no_place = serde_json::json!({"service_code": "pju-mati"});
    problem(app.client.post(&url).bearer_auth(KEY).json(&no_place).send().await.unwrap(), 400, "location").await;
    let bad_service = serde_json::json!({"service_code": "nope", "address": "x"});
    problem(app.client.post(&url).bearer_auth(KEY).json(&bad_service).send().await.unwrap(), 404, "nope").await;
    problem(app.get(&format!("/api/v1/reports/ZZZZ-ZZZZ?jurisdiction_id={TNG}")).await, 404, "ZZZZ-ZZZZ").await;
    problem(app.get("/api/v1/nothing-here").await, 404, "nothing-here").await;
});

both!(json_writes_must_be_sent_as_json_and_submissions_need_a_key_before_their_body, |app| {
    let operator = app.staff("op@kota.test", laksana_core::access::Role::Operator, None).await;
    let (id, _) = app.report("pju-mati", "publik", None).await;
    // A page on another site may post text/plain without asking; the API takes JSON only as JSON.
    let body = r#"{"text": "Sudah dicek", "public": true}"#;
    for ct in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let res = app
            .client
            .post(app.url(&format!("/api/v1/reports/{id}/comments")))
            .bearer_auth(&operator)
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 415, "{ct}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    let res = app
        .client
        .post(app.url(&format!("/api/v1/reports/{id}/comments")))
        .bearer_auth(&operator)
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Without a valid key a submission is refused on its headers alone, whatever its body.
    let res = app.submit_raw(None, "{").await;
    assert_eq!(res.status(), 401);
    let res = app.submit_raw(Some("lks_not_a_key"), "{").await;
    assert_eq!(res.status(), 403);
});

both!(staff_place_an_address_only_report_through_the_api, |app| {
    let op = app.staff("op@kota.test", Role::Operator, None).await;
    let other = app.staff("dukcapil@kota.test", Role::Officer, Some("DISDUKCAPIL")).await;
    let body = serde_json::json!({
        "service_code": "pju-mati", "description": "Lampu jalan mati di Jalan Daan Mogot",
        "address": "Jl. Daan Mogot No. 1, Tangerang"
    });
    let (s, v) = app.call("POST", "/api/v1/reports", Some(KEY), None, Some(body)).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/reports/{id}/location");
    let place = |lat: f64, long: f64| serde_json::json!({"lat": lat, "long": long});
    let (s, v) = app.call("POST", &path, Some(&op), None, Some(place(-91.0, 106.6))).await;
    assert_eq!(s, 400, "{v}");
    let (s, v) = app.call("POST", &path, Some(&op), None, Some(place(-7.8, 110.4))).await;
    assert_eq!(s, 400, "outside the city: {v}");
    let (s, v) = app.call("POST", &path, Some(&other), None, Some(place(-6.1783, 106.6319))).await;
    assert!(s == 403 || s == 404, "another agency's officer: {s} {v}");
    let (s, v) = app.call("POST", &path, Some(&op), None, Some(place(-6.1783, 106.6319))).await;
    assert_eq!(s, 200, "{v}");
    let stale = serde_json::json!({"lat": -6.18, "long": 106.63, "expected_version": 0});
    let (s, v) = app.call("POST", &path, Some(&op), None, Some(stale)).await;
    assert_eq!(s, 409, "{v}");
    let (_, v) = app.get_json(&format!("/api/v1/reports/{id}")).await;
    assert_eq!((v["lat"].as_f64(), v["long"].as_f64()), (Some(-6.1783), Some(106.6319)), "{v}");
    // The public learns nothing of who placed it, and nobody without a role may.
    let (s, _) = app.call("POST", &path, None, None, Some(place(-6.18, 106.63))).await;
    assert!(s == 401 || s == 403, "{s}");
});
