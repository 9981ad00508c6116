//! A jurisdiction's catalog through the API: services with their attributes, agencies, districts and
//! settings changed by its admin, checked like a region pack (every problem listed, nothing written),
//! refused to everyone else, and on the audit trail; a new jurisdiction by a deployment admin.

use laksana_core::access::{Grant, Role};
use serde_json::json;

use crate::both;
use crate::helpers::TNG;

const TANGSEL: &str = "tangerangselatankota.go.id";

fn lampu() -> serde_json::Value {
    json!({
        "name": "Lampu Taman Mati", "group": "Infrastruktur", "kind": "pengaduan", "agency": "DISPERKIM",
        "sla_tier": "normatif", "keywords": ["taman", "lampu"],
        "attribute": [{
            "code": "jumlah", "datatype": "singlevaluelist", "required": true, "order": 1,
            "description": "Berapa lampu yang mati?",
            "values": [{"key": "satu", "name": "Satu"}, {"key": "banyak", "name": "Lebih dari satu"}]
        }]
    })
}

fn square(code: &str, name: &str, w: f64, s: f64) -> serde_json::Value {
    let ring = json!([[w, s], [w + 0.01, s], [w + 0.01, s + 0.01], [w, s + 0.01], [w, s]]);
    json!({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}})
}

both!(a_jurisdiction_admin_changes_services_agencies_and_districts, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let path = format!("/api/v1/jurisdictions/{TNG}/services/lampu-taman");
    let (s, v) = app.call("PUT", &path, Some(&admin), None, Some(lampu())).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["created"], json!(["service lampu-taman"]));
    // Open311 offers it at once, with its attribute.
    let (_, def) = app.get_json(&format!("/open311/v2/services/lampu-taman.json?jurisdiction_id={TNG}")).await;
    assert_eq!(def["attributes"][0]["code"], "jumlah", "{def}");
    // The same again changes nothing; a new name changes it in place.
    let (_, v) = app.call("PUT", &path, Some(&admin), None, Some(lampu())).await;
    assert_eq!((v["created"].as_array().unwrap().len(), v["changed"].as_array().unwrap().len()), (0, 0), "{v}");
    let mut renamed = lampu();
    renamed["name"] = "Lampu Taman Padam".into();
    let (_, v) = app.call("PUT", &path, Some(&admin), None, Some(renamed)).await;
    assert_eq!(v["changed"], json!(["service lampu-taman"]));

    // Every problem is listed, and nothing is written.
    let mut bad = lampu();
    bad["agency"] = "TIDAKADA".into();
    bad["attribute"][0]["values"] = json!([]);
    let (s, v) = app
        .call("PUT", "/api/v1/jurisdictions/tangerangkota.go.id/services/Lampu Rusak", Some(&admin), None, Some(bad))
        .await;
    assert_eq!(s, 400, "{v}");
    let errors = v["errors"].to_string();
    assert!(errors.contains("agency: no [[agency]] has the code"), "{errors}");
    assert!(errors.contains("values: a list needs at least one value"), "{errors}");
    assert!(errors.contains("code"), "the code with a space: {errors}");
    let (_, services) = app.get_json(&format!("/open311/v2/services.json?jurisdiction_id={TNG}")).await;
    assert!(!services.to_string().contains("Lampu Rusak"));

    // A body that is not an object is a plain refusal.
    let (s, v) = app.call("PUT", &path, Some(&admin), None, Some(json!([1, 2]))).await;
    assert_eq!(s, 400, "{v}");
    // An agency: a new complaint handler.
    let (s, v) = app
        .call(
            "PUT",
            &format!("/api/v1/jurisdictions/{TNG}/agencies/DISPERKIM"),
            Some(&admin),
            None,
            Some(json!({"name": "Dinas Perumahan dan Permukiman", "handler": "Ibu Sari", "email": "perkim@kota.test"})),
        )
        .await;
    assert_eq!((s, &v["changed"]), (200, &json!(["agency DISPERKIM"])), "{v}");

    // Districts: a bad file is refused with its problems; a good one adds a district, with overlaps
    // as warnings; a report pinned inside it lands in it.
    let districts = format!("/api/v1/jurisdictions/{TNG}/districts");
    let mut open = square("36.71.99", "Kec. Baru", 106.500, -6.300);
    open["geometry"]["coordinates"][0].as_array_mut().unwrap().pop();
    let (s, v) = app
        .call("PUT", &districts, Some(&admin), None, Some(json!({"type": "FeatureCollection", "features": [open]})))
        .await;
    assert_eq!(s, 400);
    assert!(v["errors"].to_string().contains("is not closed"), "{v}");
    let good = json!({"type": "FeatureCollection", "features": [square("36.71.99", "Kec. Baru", 106.500, -6.300)]});
    let (s, v) = app.call("PUT", &districts, Some(&admin), None, Some(good)).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["created"], json!(["district 36.71.99"]));
    let body = json!({"service_code": "pju-mati", "description": "Lampu mati di kecamatan baru", "lat": -6.295, "long": 106.505});
    let (_, r) = app.call("POST", "/api/v1/reports", Some(crate::helpers::KEY), None, Some(body)).await;
    let (_, r) = app.get_json(&format!("/api/v1/reports/{}", r["id"].as_str().unwrap())).await;
    assert_eq!(r["district"], "Kec. Baru", "{r}");

    // Settings, and all of it on the trail with the admin as the actor.
    let (s, v) = app
        .call(
            "PUT",
            &format!("/api/v1/jurisdictions/{TNG}/settings"),
            Some(&admin),
            None,
            Some(json!({"name": "Kota Tangerang", "time_zone": "Asia/Jakarta", "contact": "Pengaduan: 112"})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, catalog) = app.call("GET", &format!("/api/v1/jurisdictions/{TNG}/catalog"), Some(&admin), None, None).await;
    assert_eq!(catalog["jurisdiction"]["contact"], "Pengaduan: 112");
    let acts = laksana_store::testing::scalar(
        &app.db,
        &format!("SELECT COUNT(*) FROM audit_events WHERE jurisdiction_id = '{TNG}' AND subject_kind IN ('service', 'agency', 'district', 'jurisdiction') AND actor LIKE 'user:%'"),
    )
    .await;
    assert_eq!(acts, 5, "service created and changed, agency, district, settings");
});

both!(only_a_jurisdictions_admin_changes_its_catalog, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let path = format!("/api/v1/jurisdictions/{TNG}/services/lampu-taman");
    let (s, _) = app.call("PUT", &path, Some(&operator), None, Some(lampu())).await;
    assert_eq!(s, 403, "an operator is not an admin");
    let (s, _) = app.call("PUT", &path, None, None, Some(lampu())).await;
    assert_eq!(s, 401);
    // Tangerang's admin may not touch Tangerang Selatan.
    let other = format!("/api/v1/jurisdictions/{TANGSEL}/services/lampu-taman");
    let (s, v) = app.call("PUT", &other, Some(&admin), None, Some(lampu())).await;
    assert_eq!(s, 403, "{v}");
    let (s, _) = app.call("GET", &format!("/api/v1/jurisdictions/{TANGSEL}/catalog"), Some(&admin), None, None).await;
    assert_eq!(s, 403);
    // Nor create a jurisdiction: that takes an admin of the whole deployment.
    let new = json!({"id": "kotabaru.go.id", "name": "Kota Baru", "time_zone": "Asia/Makassar"});
    let (s, _) = app.call("POST", "/api/v1/jurisdictions", Some(&admin), None, Some(new)).await;
    assert_eq!(s, 403);
});

both!(a_deployment_admin_creates_a_jurisdiction, |app| {
    let now = laksana_core::Clock::now(&*app.clock);
    let new = laksana_store::users::NewUser {
        email: "root@laksana.test".into(),
        display_name: "Root".into(),
        language: "id".into(),
        password: Some("sandi-yang-panjang-sekali".into()),
    };
    let grant = Grant::new(Role::Admin, None, None).unwrap();
    laksana_store::users::create_with_grant(&app.db, &new, &grant, "test", now).await.unwrap();
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"email": "root@laksana.test", "password": "sandi-yang-panjang-sekali"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let create = |body: serde_json::Value| {
        app.client
            .post(app.url("/api/v1/jurisdictions"))
            .header("cookie", &cookie)
            .header("origin", &app.base)
            .json(&body)
            .send()
    };
    let res = create(json!({"id": "kotabaru.go.id", "name": "Kota Baru", "time_zone": "Asia/Bandung"})).await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert!(res.text().await.unwrap().contains("time_zone"));
    let res = create(json!({"id": "kotabaru.go.id", "name": "Kota Baru", "time_zone": "Asia/Makassar"})).await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    let res = create(json!({"id": "kotabaru.go.id", "name": "Kota Baru", "time_zone": "Asia/Makassar"})).await.unwrap();
    assert_eq!(res.status().as_u16(), 409);
    // It is served at once, with the national holidays in its calendar.
    let (s, services) = app.get_json("/open311/v2/services.json?jurisdiction_id=kotabaru.go.id").await;
    assert_eq!((s, services), (200, json!([])));
    let holidays = laksana_store::catalog::holidays(&app.db, "kotabaru.go.id").await.unwrap();
    assert!(holidays.len() > 20);
});

both!(an_inactive_agency_gets_no_new_reports_and_services_speak_english, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let agency = |code: &'static str, active: bool| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let path = format!("/api/v1/jurisdictions/{TNG}/agencies/{code}");
            let body = json!({"name": format!("Unit {code}"), "active": active});
            app.call("PUT", &path, Some(&admin), None, Some(body)).await
        }
    };
    // An agency services still route to cannot be made inactive: they must be routed elsewhere first.
    let (s, v) = agency("DISPERKIM", false).await;
    assert_eq!(s, 400);
    assert!(v["errors"].to_string().contains("DISPERKIM is not active: route the service elsewhere first"), "{v}");
    let (s, v) = agency("UPT-LAMA", true).await;
    assert_eq!(s, 200, "{v}");
    let (s, v) = agency("UPT-LAMA", false).await;
    assert_eq!((s, &v["changed"]), (200, &json!(["agency UPT-LAMA"])), "{v}");
    let (id, _) = app.report("pju-mati", "publik", None).await;
    let disperkim = app.agency("UPT-LAMA").await;
    let (s, v) = app
        .act(
            Some(&operator),
            None,
            &id,
            json!({"action": "verify", "expected_status": "submitted", "agency_id": disperkim}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("takes no new reports"), "{v}");
    // Its name stays on what it has, and the catalog keeps it, marked.
    let (_, catalog) = app.call("GET", &format!("/api/v1/jurisdictions/{TNG}/catalog"), Some(&admin), None, None).await;
    assert!(catalog.to_string().contains("\"active\":false"), "{catalog}");

    // A service's English name and the privacy its form starts with.
    let mut lampu = lampu();
    lampu["name_en"] = "Park light out".into();
    lampu["privacy"] = "anonim".into();
    lampu["agency"] = "DPUPR".into();
    let (s, v) = app
        .call("PUT", &format!("/api/v1/jurisdictions/{TNG}/services/lampu-taman"), Some(&admin), None, Some(lampu))
        .await;
    assert_eq!(s, 200, "{v}");
    let page = |lang: &'static str| {
        app.client.get(app.url(&format!("/j/{TNG}/lapor?layanan=lampu-taman"))).header("accept-language", lang).send()
    };
    let en = page("en").await.unwrap().text().await.unwrap();
    assert!(en.contains("Park light out"), "{en}");
    assert!(en.contains("value=\"anonim\" checked"), "the form starts anonim");
    let id_page = page("id").await.unwrap().text().await.unwrap();
    assert!(id_page.contains("Lampu Taman Mati") && !id_page.contains("Park light out"));
});
