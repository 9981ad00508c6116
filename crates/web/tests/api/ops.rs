//! Health, readiness, metrics and the headers every response carries.

use crate::both;

both!(health_readiness_and_metrics, |app| {
    let (status, _, body) = app.get_text("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, _, _) = app.get_text("/readyz").await;
    assert_eq!(status, 200);
    let (status, ct, _) = app.get_text("/metrics").await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/plain"));
});

both!(readiness_fails_when_the_database_is_gone, |app| {
    // With the database gone, no job can run.
    app.jobs_may_fail.store(true, std::sync::atomic::Ordering::Relaxed);
    app.db.close().await;
    let (status, _, body) = app.get_text("/readyz").await;
    assert_eq!((status, body.as_str()), (503, "database unavailable"));
});

both!(every_response_has_a_request_id_and_security_headers, |app| {
    let res = app.get("/open311/v2/services.json?jurisdiction_id=tangerangkota.go.id").await;
    let h = res.headers();
    assert!(!h["x-request-id"].is_empty());
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("content-security-policy"));
    let res = app.client.get(app.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123", "a caller's request id is kept");
    let (status, _, _) = app.get_text("/no/such/page").await;
    assert_eq!(status, 404);
});
