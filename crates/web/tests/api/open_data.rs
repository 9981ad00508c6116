//! The public dashboard, its figures in the API and the open-data export: the figures can be
//! recomputed from the export, filters narrow all three alike, and nothing private leaves.

use std::collections::BTreeMap;

use laksana_core::Clock;
use laksana_core::access::Role;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::TNG;

/// The export's rows as column → value maps.
fn rows(csv_text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_owned(), v.to_owned())).collect())
        .collect()
}

/// PERCENTILE.INC as a spreadsheet computes it.
fn percentile(mut xs: Vec<f64>, p: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let h = p * (xs.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    Some(xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo]))
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn share(part: usize, whole: usize) -> Value {
    if whole == 0 { Value::Null } else { json!(round(part as f64 / whole as f64, 4)) }
}

fn days(v: Vec<f64>) -> Value {
    json!({"reports": v.len(), "median": percentile(v.clone(), 0.5).map(|x| round(x, 1)), "p90": percentile(v, 0.9).map(|x| round(x, 1))})
}

fn num(r: &BTreeMap<String, String>, k: &str) -> Option<f64> {
    r[k].parse().ok()
}

both!(the_dashboard_figures_can_be_recomputed_from_the_export, |app| {
    let (s, stats) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/stats")).await;
    assert_eq!(s, 200, "{stats}");
    let (s, ct, text) = app.get_text(&format!("/api/v1/jurisdictions/{TNG}/reports.csv")).await;
    assert_eq!((s, ct.as_str()), (200, "text/csv; charset=utf-8"));
    let rows = rows(&text);
    let completed = |r: &&BTreeMap<String, String>| matches!(r["status"].as_str(), "resolved" | "closed");

    assert_eq!(stats["received"], rows.len());
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        *by_status.entry(r["status"].clone()).or_default() += 1;
    }
    let api_status: BTreeMap<String, usize> = stats["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["status"].as_str().unwrap().to_owned(), c["reports"].as_u64().unwrap() as usize))
        .collect();
    assert_eq!(api_status, by_status);
    let done = rows.iter().filter(completed).count();
    let out = rows.iter().filter(|r| matches!(r["status"].as_str(), "archived" | "not_authority")).count();
    assert_eq!(stats["completed"], done);
    assert_eq!(stats["completion_rate"], share(done, rows.len() - out));
    let response: Vec<f64> = rows.iter().filter_map(|r| num(r, "response_working_days")).collect();
    assert_eq!(stats["first_response_days"], days(response));
    let resolution: Vec<f64> =
        rows.iter().filter(completed).filter_map(|r| num(r, "resolution_working_days")).collect();
    assert!(resolution.len() > 10, "the demo has resolved reports: the comparison means something");
    assert_eq!(stats["resolution_days"], days(resolution));
    let known: Vec<_> = rows.iter().filter(completed).filter(|r| !r["resolved_within_deadline"].is_empty()).collect();
    let on_time = known.iter().filter(|r| r["resolved_within_deadline"] == "true").count();
    assert_eq!(stats["within_deadline_rate"], share(on_time, known.len()));
    let ever: Vec<_> = rows.iter().filter(|r| !r["resolved_at"].is_empty()).collect();
    let reopened = ever.iter().filter(|r| r["reopen_count"] != "0").count();
    assert!(reopened > 0, "the demo has reopened reports");
    assert_eq!(stats["reopen_rate"], share(reopened, ever.len()));
    let ratings: Vec<f64> = rows.iter().filter_map(|r| num(r, "rating")).collect();
    assert!(!ratings.is_empty());
    assert_eq!(stats["mean_rating"], json!(round(ratings.iter().sum::<f64>() / ratings.len() as f64, 2)));
    assert_eq!(stats["ratings"], ratings.len());
    // Per agency, per district and per month, the same counts.
    for a in stats["agencies"].as_array().unwrap() {
        let mine: Vec<_> = rows.iter().filter(|r| r["agency_code"] == a["code"].as_str().unwrap()).collect();
        assert_eq!(a["received"], mine.len(), "{a}");
        assert_eq!(a["completed"], mine.iter().filter(|r| completed(r)).count(), "{a}");
    }
    for d in stats["districts"].as_array().unwrap() {
        let n = rows.iter().filter(|r| r["district_code"] == d["code"].as_str().unwrap()).count();
        assert_eq!(d["received"], n, "{d}");
    }
    for m in stats["months"].as_array().unwrap() {
        let n = rows.iter().filter(|r| r["requested_at"].starts_with(m["month"].as_str().unwrap())).count();
        assert_eq!(m["received"], n, "{m}");
    }
    let buckets: u64 =
        stats["resolution_distribution"].as_array().unwrap().iter().map(|b| b["reports"].as_u64().unwrap()).sum();
    assert_eq!(buckets, stats["resolution_days"]["reports"].as_u64().unwrap());

    // Confidential reports are one count, never a row; nobody's identity is in the export.
    let all = laksana_store::public::counters(&app.db, TNG, laksana_core::Timestamp::from_micros(0), app.clock.now())
        .await
        .unwrap();
    let rahasia = stats["rahasia"].as_i64().unwrap();
    assert!(rahasia > 0, "the demo has confidential reports");
    assert_eq!(stats["received"].as_i64().unwrap() + rahasia, all.received);
    assert!(!text.contains("@contoh.id") && !text.contains("rahasia"), "no reporter, no confidential report");
    let (secret, _) = app.report("pju-mati", "rahasia", Some("rahasia@warga.test")).await;
    let (public, _) = app.report("pju-mati", "publik", Some("terbuka@warga.test")).await;
    let (_, _, text) = app.get_text(&format!("/api/v1/jurisdictions/{TNG}/reports.csv")).await;
    assert!(text.contains(&public) && !text.contains(&secret));
    assert!(!text.contains("Rahmawati") && !text.contains("warga.test") && !text.contains("081234567890"));
    let (_, _, geo) = app.get_text(&format!("/api/v1/jurisdictions/{TNG}/reports.geojson")).await;
    assert!(geo.contains(&public) && !geo.contains(&secret) && !geo.contains("Rahmawati"));

    // The spreadsheet holds the same rows as the CSV, with numbers as numbers.
    let csv_rows = self::rows(&text);
    let res = app.get(&format!("/api/v1/jurisdictions/{TNG}/reports.xlsx")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a workbook");
    let sheet = book.worksheet_range("laporan").expect("the sheet of reports");
    let mut sheet_rows = sheet.rows();
    let header: Vec<String> = sheet_rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, laksana_web::service::open_data::COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let body: Vec<_> = sheet_rows.collect();
    assert_eq!(body.len(), csv_rows.len());
    let id_col = header.iter().position(|h| h == "service_request_id").unwrap();
    let rating_col = header.iter().position(|h| h == "rating").unwrap();
    for (x, c) in body.iter().zip(&csv_rows) {
        assert_eq!(x[id_col].to_string(), c["service_request_id"]);
        if let Ok(n) = c["rating"].parse::<f64>() {
            assert_eq!(x[rating_col], calamine::Data::Float(n));
        }
    }
    assert!(!body.iter().any(|r| r[id_col].to_string() == secret));
});

both!(filters_narrow_the_figures_the_export_and_the_page_alike, |app| {
    for q in [
        "agency=DISPERKIM",
        "district=36.71.01",
        "service=pju-mati",
        "from=2026-11-01&to=2026-11-27",
        "from=2026-10-01&to=2026-10-31&agency=DPUPR",
    ] {
        let (s, stats) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/stats?{q}")).await;
        assert_eq!(s, 200, "{q}: {stats}");
        let (_, _, text) = app.get_text(&format!("/api/v1/jurisdictions/{TNG}/reports.csv?{q}")).await;
        let rows = rows(&text);
        assert!(!rows.is_empty(), "{q}: the demo has reports here");
        assert_eq!(stats["received"], rows.len(), "{q}");
        for r in &rows {
            if q.contains("agency=DISPERKIM") {
                assert_eq!(r["agency_code"], "DISPERKIM");
            }
            if q.contains("district=") {
                assert_eq!(r["district_code"], "36.71.01");
            }
            if q.contains("service=") {
                assert_eq!(r["service_code"], "pju-mati");
            }
            if q.starts_with("from=2026-11-01") {
                assert!(
                    r["requested_at"].as_str() >= "2026-11-01" && r["requested_at"].as_str() < "2026-11-28",
                    "{}",
                    r["requested_at"]
                );
            }
        }
        let (_, geo) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/reports.geojson?{q}")).await;
        assert_eq!(geo["type"], "FeatureCollection");
        let features = geo["features"].as_array().unwrap();
        assert_eq!(features.len(), rows.len(), "{q}");
        let f = &features[0];
        assert_eq!(f["geometry"]["type"], "Point");
        assert_eq!(f["geometry"]["coordinates"][0].as_f64().unwrap().to_string(), rows[0]["lon"]);
        assert_eq!(f["properties"]["service_request_id"], rows[0]["service_request_id"].as_str());
        let (s, _, page) = app.get_text(&format!("/dashboard/{TNG}?{q}")).await;
        assert_eq!(s, 200, "{q}");
        assert!(page.contains(&format!("<dd>{}</dd>", rows.len())), "{q}: the page shows the same number");
        assert!(
            page.contains(&format!("reports.csv?{}", q.replace('&', "&#38;"))),
            "{q}: the export link keeps the filter"
        );
    }
    for (q, needle) in [
        ("from=2026-13-01", "YYYY-MM-DD"),
        ("from=2026-11-20&to=2026-11-01", "after"),
        ("agency=NOPE", "NOPE"),
        ("service=nope", "nope"),
        ("district=0", "district"),
        ("to=besok", "YYYY-MM-DD"),
    ] {
        let (s, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/stats?{q}")).await;
        assert_eq!(s, 400, "{q}: {v}");
        assert!(v["detail"].as_str().unwrap().contains(needle), "{q}: {v}");
        let res = app.get(&format!("/api/v1/jurisdictions/{TNG}/reports.csv?{q}")).await;
        assert_eq!(res.status().as_u16(), 400, "{q}");
        let (s, _, page) = app.get_text(&format!("/dashboard/{TNG}?{q}")).await;
        assert_eq!(s, 400, "{q}");
        assert!(page.contains("<html"), "an error page, not a bare text");
    }
    let (s, _) = app.get_json("/api/v1/jurisdictions/nowhere.go.id/stats").await;
    assert_eq!(s, 404);
    assert_eq!(app.get("/api/v1/jurisdictions/nowhere.go.id/reports.csv").await.status().as_u16(), 404);
    assert_eq!(app.get("/dashboard/nowhere.go.id").await.status().as_u16(), 404);
});

both!(handling_a_report_records_its_response_and_resolution_times, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let officer = app.staff("pju@kota.test", Role::Officer, Some("DISPERKIM")).await;
    let (id, code) = app.report("pju-mati", "publik", None).await;
    // The demo's "now" is a Saturday: the first working day after it is Monday 30 November.
    app.clock.advance_seconds(2 * 86_400);
    let (s, v) = app.act(Some(&operator), None, &id, json!({"action": "verify", "expected_status": "submitted"})).await;
    assert_eq!(s, 200, "{v}");
    app.clock.advance_seconds(86_400);
    let (s, v) = app
        .act(Some(&officer), None, &id, json!({"action": "plan", "expected_status": "dispositioned", "plan": "Besok"}))
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = app
        .act(
            Some(&officer),
            None,
            &id,
            json!({"action": "resolve", "expected_status": "in_progress", "evidence": "Sudah"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (s, v) =
        app.act(None, Some(&code), &id, json!({"action": "confirm", "expected_status": "resolved", "rating": 4})).await;
    assert_eq!(s, 200, "{v}");
    let (_, _, text) =
        app.get_text(&format!("/api/v1/jurisdictions/{TNG}/reports.csv?from=2026-11-28&service=pju-mati")).await;
    let rows = rows(&text);
    let row = rows.iter().find(|r| r["service_request_id"] == id).expect("the report is exported");
    assert_eq!(row["status"], "closed");
    assert_eq!(row["response_working_days"], "1", "verified on Monday, one working day after Saturday");
    assert_eq!(row["resolution_working_days"], "2", "resolved on Tuesday");
    assert_eq!(row["resolved_within_deadline"], "true");
    assert_eq!(row["rating"], "4");
    assert!(row["first_response_at"].starts_with("2026-11-30T10:00:00"), "{}", row["first_response_at"]);
    assert!(row["resolved_at"].starts_with("2026-12-01T10:00:00"), "{}", row["resolved_at"]);
    assert_eq!(row["reopen_count"], "0");
});
