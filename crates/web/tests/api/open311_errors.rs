//! Every way an Open311 request can be wrong gets a 400, 403 or 404 in the requested format, with a
//! description naming what to fix, and changes nothing.

use crate::both;
use crate::helpers::*;

const J: &str = "jurisdiction_id=tangerangkota.go.id";

async fn expect_error(app: &TestApp, path: &str, status: u16, mentions: &str) {
    let (got, ct, body) = app.get_text(path).await;
    assert_eq!(got, status, "{path}: {body}");
    if path.contains(".json") {
        assert_eq!(ct, "application/json; charset=utf-8", "{path}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v[0]["code"], status.to_string(), "codes are strings");
        assert!(error_description(&v).contains(mentions), "{path}: {body}");
    } else {
        assert_eq!(ct, "text/xml; charset=utf-8", "{path}");
        assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error><code>"), "{body}");
        assert!(body.contains(mentions), "{path}: {body}");
    }
}

both!(bad_get_parameters_are_400_naming_the_field, |app| {
    for ext in ["json", "xml"] {
        let base = format!("/open311/v2/requests.{ext}?{J}");
        expect_error(&app, &format!("{base}&start_date=yesterday"), 400, "start_date").await;
        expect_error(&app, &format!("{base}&end_date=2026-13-45"), 400, "end_date").await;
        expect_error(
            &app,
            &format!("{base}&start_date=2026-11-20&end_date=2026-11-01"),
            400,
            "end_date is before start_date",
        )
        .await;
        expect_error(&app, &format!("{base}&start_date=2026-01-01&end_date=2026-11-01"), 400, "90 days").await;
        expect_error(&app, &format!("{base}&status=pending"), 400, "status").await;
        expect_error(&app, &format!("{base}&page=0"), 400, "page").await;
        expect_error(&app, &format!("{base}&page_size=abc"), 400, "page_size").await;
        expect_error(&app, &format!("{base}&updated_after=soon"), 400, "updated_after").await;
        expect_error(
            &app,
            &format!("{base}&start_date=-262000-01-01T00:00:00%2B00:00&end_date=%2B262000-01-01T00:00:00%2B00:00"),
            400,
            "start_date",
        )
        .await;
        expect_error(&app, &format!("{base}&start_date=2027-06-01"), 400, "start_date is in the future").await;
        let many = vec!["K7QM-3XR9"; 1001].join(",");
        expect_error(&app, &format!("{base}&service_request_id={many}"), 400, "at most 1000").await;
    }
});

both!(jurisdiction_rules, |app| {
    expect_error(&app, "/open311/v2/services.json", 400, "jurisdiction_id is required").await;
    expect_error(&app, "/open311/v2/requests.xml", 400, "jurisdiction_id is required").await;
    expect_error(&app, "/open311/v2/services.json?jurisdiction_id=nowhere.go.id", 404, "nowhere.go.id").await;
});

both!(unknown_things_are_404, |app| {
    expect_error(&app, &format!("/open311/v2/services/no-such-service.json?{J}"), 404, "no-such-service").await;
    expect_error(&app, &format!("/open311/v2/services/no-such-service.xml?{J}"), 404, "no-such-service").await;
    expect_error(&app, &format!("/open311/v2/requests/ZZZZ-ZZZZ.json?{J}"), 404, "ZZZZ-ZZZZ").await;
    expect_error(&app, &format!("/open311/v2/requests/not-an-id.xml?{J}"), 404, "not-an-id").await;
    expect_error(&app, &format!("/open311/v2/nonsense.json?{J}"), 404, "nonsense").await;
    expect_error(&app, "/open311/v2/services.yaml", 404, ".xml or .json").await;
    expect_error(&app, "/open311/v2/a/b/c.json", 404, "unknown resource").await;
});

both!(wrong_methods_answer_in_the_resource_format, |app| {
    let res = app.client.delete(app.url("/open311/v2/services.json")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 405);
    let v: serde_json::Value = res.json().await.unwrap();
    assert!(error_description(&v).contains("DELETE is not allowed"));
    let res = app.client.post(app.url("/open311/v2/discovery.xml")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 405);
    assert!(res.text().await.unwrap().contains("<errors><error><code>405</code>"));
    let res = app.client.delete(app.url("/api/v1/reports")).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), res.headers()["content-type"].to_str().unwrap()),
        (405, "application/problem+json")
    );
});
