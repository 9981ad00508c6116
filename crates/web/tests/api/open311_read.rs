//! Reading through Open311: discovery, services, definitions, requests, tokens and updates.

use std::collections::HashSet;

use laksana_core::{Privacy, Status};
use laksana_store::reports::{self, ReportFilter};

use crate::both;
use crate::helpers::*;

const J: &str = "jurisdiction_id=tangerangkota.go.id";

/// Two public demo reports of Kota Tangerang, one open and one closed, for stable snapshots.
async fn sample_ids(app: &TestApp) -> (String, String) {
    let all =
        reports::list(&app.db, &ReportFilter { jurisdiction_id: TNG.into(), limit: 10_000, ..Default::default() })
            .await
            .unwrap();
    let open = all.iter().rev().find(|r| r.status == Status::InProgress && r.privacy == Privacy::Publik).unwrap();
    let closed = all.iter().rev().find(|r| r.status == Status::Closed && r.privacy == Privacy::Publik).unwrap();
    (open.public_id.to_string(), closed.public_id.to_string())
}

both!(discovery_in_both_formats, |app| {
    let (status, ct, xml) = app.get_text(&format!("/open311/v2/discovery.xml?{J}")).await;
    assert_eq!((status, ct.as_str()), (200, "text/xml; charset=utf-8"));
    assert!(xml.contains(&format!("<url>{}/open311/v2</url>", app.base)), "the endpoint URL is absolute");
    let xml = xml.replace(&app.base, "http://laksana.test");
    insta::assert_snapshot!("discovery_xml", xml);
    let (status, ct, json) = app.get_text(&format!("/open311/v2/discovery.json?{J}")).await;
    assert_eq!((status, ct.as_str()), (200, "application/json; charset=utf-8"));
    let json = json.replace(&app.base, "http://laksana.test");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v.is_object(), "discovery is an object");
    assert!(v["endpoints"].is_array() && v["endpoints"][0]["formats"].is_array());
    insta::assert_snapshot!("discovery_json", json);
});

both!(discovery_without_jurisdiction_lists_the_jurisdictions_served, |app| {
    // The demo hosts two jurisdictions; GeoReport v2 discovery takes no parameters, so clients and
    // validators that start there get the server's document, not a 400.
    let (status, _, json) = app.get_text("/open311/v2/discovery.json").await;
    assert_eq!(status, 200, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["endpoints"][0]["url"].as_str().unwrap().ends_with("/open311/v2"), "{v}");
    let served: Vec<(&str, &str)> = v["jurisdictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| (j["jurisdiction_id"].as_str().unwrap(), j["name"].as_str().unwrap()))
        .collect();
    assert_eq!(served.len(), 2, "{served:?}");
    assert!(served.iter().any(|(id, name)| *id == "tangerangkota.go.id" && name.contains("Tangerang")), "{served:?}");
    let (status, ct, xml) = app.get_text("/open311/v2/discovery.xml").await;
    assert_eq!((status, ct.as_str()), (200, "text/xml; charset=utf-8"));
    assert!(xml.contains("<jurisdictions><jurisdiction><jurisdiction_id>"), "{xml}");
    // With jurisdiction_id the document is that jurisdiction's, without the list; an unknown one is 404.
    let (status, _, one) = app.get_text(&format!("/open311/v2/discovery.json?{J}")).await;
    assert_eq!(status, 200, "{one}");
    assert!(!one.contains("jurisdictions"), "{one}");
    let (status, _, _) = app.get_text("/open311/v2/discovery.json?jurisdiction_id=nowhere.go.id").await;
    assert_eq!(status, 404);
});

both!(services_in_both_formats, |app| {
    let (status, _, xml) = app.get_text(&format!("/open311/v2/services.xml?{J}")).await;
    assert_eq!(status, 200);
    insta::assert_snapshot!("services_xml", xml);
    let (status, _, json) = app.get_text(&format!("/open311/v2/services.json?{J}")).await;
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 32);
    assert!(v.as_array().unwrap().iter().all(|s| s["service_code"].is_string() && s["keywords"].is_string()));
    insta::assert_snapshot!("services_json", json);
});

both!(service_definitions_in_both_formats, |app| {
    for code in ["jalan-rusak", "banjir", "pencemaran-limbah"] {
        let (status, _, xml) = app.get_text(&format!("/open311/v2/services/{code}.xml?{J}")).await;
        assert_eq!(status, 200, "{code}");
        insta::assert_snapshot!(format!("definition_{code}_xml"), xml);
        let (status, _, json) = app.get_text(&format!("/open311/v2/services/{code}.json?{J}")).await;
        assert_eq!(status, 200);
        insta::assert_snapshot!(format!("definition_{code}_json"), json);
    }
    // A service without attributes still has an (empty) attributes list.
    let (_, v) = app.get_json(&format!("/open311/v2/services/ktp-kk.json?{J}")).await;
    assert_eq!(v["attributes"], serde_json::json!([]));
});

both!(requests_by_id_in_both_formats, |app| {
    let (open, closed) = sample_ids(&app).await;
    for (ext, extra) in [("xml", ""), ("json", ""), ("xml", "&extensions=true"), ("json", "&extensions=true")] {
        let (status, _, body) =
            app.get_text(&format!("/open311/v2/requests.{ext}?{J}&service_request_id={open},{closed}{extra}")).await;
        assert_eq!(status, 200);
        insta::assert_snapshot!(
            format!("requests_two_{ext}{}", if extra.is_empty() { "" } else { "_extensions" }),
            body
        );
    }
    // One request is still a list with one element.
    let (status, v) = app.get_json(&format!("/open311/v2/requests/{open}.json?{J}")).await;
    assert_eq!(status, 200);
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["service_request_id"], open.as_str());
    assert_eq!(v[0]["status"], "open");
    let (_, _, xml) = app.get_text(&format!("/open311/v2/requests/{closed}.xml?{J}")).await;
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests><request><service_request_id>")
    );
    assert!(xml.contains("<status>closed</status>"));
    // Typed as a person would read it over the phone.
    let typed = open.to_lowercase().replace('-', "");
    let (status, v) = app.get_json(&format!("/open311/v2/requests/{typed}.json?{J}")).await;
    assert_eq!((status, v[0]["service_request_id"].as_str()), (200, Some(open.as_str())));
});

both!(default_query_is_the_last_90_days_newest_first, |app| {
    let (status, v) = app.get_json(&format!("/open311/v2/requests.json?{J}")).await;
    assert_eq!(status, 200);
    let list = v.as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 1000);
    let cutoff = demo_now().plus_days(-90);
    let tz = chrono_tz::Asia::Jakarta;
    let times: Vec<_> = list
        .iter()
        .map(|r| laksana_core::time::parse_datetime(r["requested_datetime"].as_str().unwrap(), tz).unwrap())
        .collect();
    assert!(times.iter().all(|t| *t >= cutoff && *t <= demo_now()));
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    for r in list {
        assert!(r["service_request_id"].is_string() && r["service_code"].is_string());
        assert!(r["requested_datetime"].as_str().unwrap().ends_with("+07:00"));
    }
});

both!(pagination_returns_every_report_exactly_once, |app| {
    let window = "start_date=2026-09-01T00:00:00%2B07:00&end_date=2026-11-28T10:00:00%2B07:00";
    let expected: HashSet<String> = reports::list(
        &app.db,
        &ReportFilter {
            jurisdiction_id: TNG.into(),
            requested_from: Some(
                laksana_core::time::parse_datetime("2026-09-01T00:00:00+07:00", chrono_tz::Asia::Jakarta).unwrap(),
            ),
            requested_to: Some(demo_now()),
            limit: 100_000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.public_id.to_string())
    .collect();
    assert!(expected.len() > 100, "the demo has enough reports to page through");
    let mut seen = Vec::new();
    for page in 1.. {
        let (status, v) =
            app.get_json(&format!("/open311/v2/requests.json?{J}&{window}&page_size=37&page={page}")).await;
        assert_eq!(status, 200);
        let items = v.as_array().unwrap();
        if items.is_empty() {
            break;
        }
        seen.extend(items.iter().map(|r| r["service_request_id"].as_str().unwrap().to_owned()));
    }
    let unique: HashSet<String> = seen.iter().cloned().collect();
    assert_eq!(seen.len(), unique.len(), "no report twice");
    assert_eq!(unique, expected, "every listed report once");
});

both!(rahasia_reports_are_never_listed, |app| {
    let all = reports::list(
        &app.db,
        &ReportFilter { jurisdiction_id: TNG.into(), include_rahasia: true, limit: 10_000, ..Default::default() },
    )
    .await
    .unwrap();
    let secret: Vec<_> = all.iter().filter(|r| r.privacy == Privacy::Rahasia).collect();
    assert!(!secret.is_empty(), "the demo has rahasia reports");
    let ids = secret.iter().map(|r| r.public_id.as_str()).collect::<Vec<_>>().join(",");
    let (status, v) = app.get_json(&format!("/open311/v2/requests.json?{J}&service_request_id={ids}")).await;
    assert_eq!((status, v.as_array().unwrap().len()), (200, 0));
    let (status, _) = app.get_json(&format!("/open311/v2/requests/{}.json?{J}", secret[0].public_id)).await;
    assert_eq!(status, 404);
    let (status, _) = app.get_json(&format!("/open311/v2/tokens/{}.json?{J}", secret[0].public_id)).await;
    assert_eq!(status, 404);
    let (_, _, body) = app.get_text(&format!("/open311/v2/requests.json?{J}&page_size=1000")).await;
    for r in &secret {
        assert!(!body.contains(r.public_id.as_str()));
    }
    let (_, _, updates) = app.get_text(&format!("/open311/v2/servicerequestupdates.json?{J}&page_size=1000")).await;
    for r in &secret {
        assert!(!updates.contains(r.public_id.as_str()));
    }
});

both!(status_and_service_filters, |app| {
    let (_, open) = app.get_json(&format!("/open311/v2/requests.json?{J}&status=open")).await;
    let (_, closed) = app.get_json(&format!("/open311/v2/requests.json?{J}&status=closed")).await;
    let (_, both) = app.get_json(&format!("/open311/v2/requests.json?{J}&status=open,closed")).await;
    let (_, none) = app.get_json(&format!("/open311/v2/requests.json?{J}")).await;
    assert!(open.as_array().unwrap().iter().all(|r| r["status"] == "open"));
    assert!(closed.as_array().unwrap().iter().all(|r| r["status"] == "closed"));
    assert_eq!(open.as_array().unwrap().len() + closed.as_array().unwrap().len(), both.as_array().unwrap().len());
    assert_eq!(both, none);
    let (_, some) = app.get_json(&format!("/open311/v2/requests.json?{J}&service_code=jalan-rusak,banjir")).await;
    let some = some.as_array().unwrap();
    assert!(!some.is_empty());
    assert!(some.iter().all(|r| r["service_code"] == "jalan-rusak" || r["service_code"] == "banjir"));
});

both!(empty_optional_parameters_act_as_absent, |app| {
    let (_, plain) = app.get_json(&format!("/open311/v2/requests.json?{J}")).await;
    let (status, empty) = app
        .get_json(&format!(
            "/open311/v2/requests.json?{J}&status=&service_code=&start_date=&end_date=&page=&page_size=&updated_after=&extensions=&api_key="
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(plain, empty);
});

both!(a_plus_that_arrived_as_a_space_is_read_as_plus, |app| {
    let (_, encoded) = app
        .get_json(&format!(
            "/open311/v2/requests.json?{J}&start_date=2026-11-01T00:00:00%2B07:00&end_date=2026-11-20T00:00:00%2B07:00"
        ))
        .await;
    let (status, raw) = app
        .get_json(&format!(
            "/open311/v2/requests.json?{J}&start_date=2026-11-01T00:00:00+07:00&end_date=2026-11-20T00:00:00+07:00"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(!encoded.as_array().unwrap().is_empty());
    assert_eq!(encoded, raw);
});

both!(updated_after_filters_on_last_change, |app| {
    let (_, v) =
        app.get_json(&format!("/open311/v2/requests.json?{J}&updated_after=2026-11-25T00:00:00%2B07:00")).await;
    let tz = chrono_tz::Asia::Jakarta;
    let after = laksana_core::time::parse_datetime("2026-11-25T00:00:00+07:00", tz).unwrap();
    let list = v.as_array().unwrap();
    assert!(!list.is_empty());
    assert!(
        list.iter()
            .all(|r| laksana_core::time::parse_datetime(r["updated_datetime"].as_str().unwrap(), tz).unwrap() >= after)
    );
});

both!(tokens_name_the_request, |app| {
    let (open, _) = sample_ids(&app).await;
    let (status, v) = app.get_json(&format!("/open311/v2/tokens/{open}.json?{J}")).await;
    assert_eq!(status, 200);
    assert_eq!(v, serde_json::json!([{"service_request_id": open, "token": open}]));
    let (status, _) = app.get_json(&format!("/open311/v2/tokens/ZZZZ-ZZZZ.json?{J}")).await;
    assert_eq!(status, 404);
});

both!(service_request_updates_are_real_events, |app| {
    let (status, v) = app
        .get_json(&format!("/open311/v2/servicerequestupdates.json?{J}&start_date=2026-11-20T00:00:00%2B07:00"))
        .await;
    assert_eq!(status, 200);
    let list = v.as_array().unwrap();
    assert!(!list.is_empty());
    let allowed = [
        "OPEN",
        "INVESTIGATING",
        "ACTION_SCHEDULED",
        "IN_PROGRESS",
        "FIXED",
        "CLOSED",
        "DUPLICATE",
        "NOT_COUNCILS_RESPONSIBILITY",
        "NO_FURTHER_ACTION",
    ];
    for u in list {
        assert!(u["update_id"].is_string());
        assert!(allowed.contains(&u["status"].as_str().unwrap()), "{u}");
    }
    let (status, _, xml) = app.get_text(&format!("/open311/v2/servicerequestupdates.xml?{J}")).await;
    assert_eq!(status, 200);
    assert!(xml.contains("<service_request_updates><request_update><update_id>"));
});

both!(a_second_jurisdiction_is_separate, |app| {
    let (status, v) = app.get_json("/open311/v2/services.json?jurisdiction_id=tangerangselatankota.go.id").await;
    assert_eq!(status, 200);
    assert_eq!(v.as_array().unwrap().len(), 4);
    let (_, mine) = app.get_json("/open311/v2/requests.json?jurisdiction_id=tangerangselatankota.go.id").await;
    let (_, theirs) = app.get_json(&format!("/open311/v2/requests.json?{J}")).await;
    let a: HashSet<_> = mine.as_array().unwrap().iter().map(|r| r["service_request_id"].clone()).collect();
    assert!(!a.is_empty());
    assert!(theirs.as_array().unwrap().iter().all(|r| !a.contains(&r["service_request_id"])));
});

both!(default_limit_is_1000_and_page_size_caps_it, |app| {
    laksana_store::seed::synthetic(&app.db, TNG, 3_000, demo_now(), &|_| {}).await.unwrap();
    let (status, v) = app.get_json(&format!("/open311/v2/requests.json?{J}")).await;
    assert_eq!((status, v.as_array().unwrap().len()), (200, 1000));
    let (_, v) = app.get_json(&format!("/open311/v2/requests.json?{J}&page_size=10")).await;
    assert_eq!(v.as_array().unwrap().len(), 10);
    let (status, v) = app.get_json(&format!("/open311/v2/requests.json?{J}&page_size=1001")).await;
    assert_eq!(status, 400);
    assert!(error_description(&v).contains("page_size"));
});

both!(tokens_updates_errors_and_post_answers_in_both_formats, |app| {
    let (open, _) = sample_ids(&app).await;
    for ext in ["xml", "json"] {
        let (_, _, body) = app.get_text(&format!("/open311/v2/tokens/{open}.{ext}?{J}")).await;
        insta::assert_snapshot!(format!("token_{ext}"), body);
        let window = "start_date=2026-11-27T00:00:00%2B07:00&end_date=2026-11-28T10:00:00%2B07:00&page_size=3";
        let (_, _, body) = app.get_text(&format!("/open311/v2/servicerequestupdates.{ext}?{J}&{window}")).await;
        insta::assert_snapshot!(format!("updates_{ext}"), body);
        let (_, _, body) = app.get_text(&format!("/open311/v2/services/nope.{ext}?{J}")).await;
        insta::assert_snapshot!(format!("error_404_{ext}"), body);
        let res = app
            .client
            .post(app.url(&format!("/open311/v2/requests.{ext}")))
            .form(&[("api_key", KEY), ("service_code", "pju-mati"), ("address_string", "Jl. Perintis Kemerdekaan 1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201);
        let body = res.text().await.unwrap();
        let id = body
            .split("service_request_id")
            .nth(1)
            .unwrap()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(9)
            .collect::<String>();
        assert!(laksana_core::PublicId::parse(&id).is_some(), "{body}");
        let code = body
            .split("follow_up_code")
            .nth(1)
            .unwrap()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(10)
            .collect::<String>();
        assert_eq!(code.len(), 10, "{body}");
        insta::assert_snapshot!(format!("post_{ext}"), body.replace(&id, "XXXX-XXXX").replace(&code, "CODECODE00"));
    }
});
