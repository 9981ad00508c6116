//! Satisfaction surveys and the IKM, service standards and pledges, and the compliance
//! self-assessment: through the pages citizens and officials use and through the API.

use laksana_core::access::Role;
use laksana_core::quality::ikm::minimum_sample;
use serde_json::{Value, json};

use crate::both;
use crate::helpers::{TNG, TestApp};

/// Nine answers and the profile as a form.
fn answers(a: [u8; 9]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> =
        a.iter().enumerate().map(|(i, v)| (format!("u{}", i + 1), v.to_string())).collect();
    f.push(("sex".into(), "p".into()));
    f
}

impl TestApp {
    /// Every message sent, its body's quoted-printable soft breaks and `=3D` undone.
    async fn decoded_mails(&self) -> Vec<(String, String)> {
        self.mails()
            .await
            .into_iter()
            .map(|(to, m)| (to, m.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")))
            .collect()
    }

    async fn post_survey(&self, path: &str, form: &[(String, String)]) -> (u16, String) {
        let res = self.client.post(self.url(path)).header("origin", &self.base).form(form).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Takes a report through to resolved; its id and the survey link its reporter was sent.
    async fn resolved_with_invitation(&self, email: &str) -> (String, String, String) {
        let operator = self.staff(&format!("op.{email}"), Role::Operator, None).await;
        let officer = self.staff(&format!("pju.{email}"), Role::Officer, Some("DISPERKIM")).await;
        let (id, code) = self.report("pju-mati", "publik", Some(email)).await;
        for (key, body) in [
            (&operator, json!({"action": "verify", "expected_status": "submitted"})),
            (&officer, json!({"action": "plan", "expected_status": "dispositioned", "plan": "Besok"})),
            (&officer, json!({"action": "resolve", "expected_status": "in_progress", "evidence": "Lampu diganti"})),
        ] {
            let (s, v) = self.act(Some(key), None, &id, body).await;
            assert_eq!(s, 200, "{v}");
        }
        let mails = self.decoded_mails().await;
        let needle = format!("/r/{id}/survey?t=");
        let link = mails
            .iter()
            .filter(|(to, _)| to.contains(email))
            .find_map(|(_, m)| m.find(&needle).map(|at| m[at..].split_whitespace().next().unwrap().to_owned()))
            .expect("the resolved notice invites the reporter to the survey");
        (id, code, link)
    }
}

/// IKM as a spreadsheet would compute it from raw answers, with equal weights.
fn ikm_by_hand(rows: &[[u8; 9]]) -> f64 {
    let n = rows.len() as f64;
    let nrr: Vec<f64> = (0..9).map(|i| rows.iter().map(|r| f64::from(r[i])).sum::<f64>() / n).collect();
    let ikm = 25.0 * nrr.iter().map(|x| x / 9.0).sum::<f64>();
    (ikm * 100.0).round() / 100.0
}

both!(a_reporter_answers_the_survey_once_and_the_index_matches_a_spreadsheet, |app| {
    let (id, _, link) = app.resolved_with_invitation("siti@warga.test").await;
    let path = link.trim_start_matches(&app.base).to_owned();
    let (s, page) = app.get_text(&path).await.into_status_body();
    assert_eq!(s, 200);
    assert!(page.contains("Persyaratan") && page.contains("name=\"u9\"") && page.contains("Sangat baik"));
    let token = path.split("?t=").nth(1).unwrap().to_owned();
    let post = format!("/r/{id}/survey");
    // A form with an answer missing and one out of range is shown again, saying which.
    let mut bad = answers([4, 4, 4, 4, 4, 4, 4, 4, 4]);
    bad.retain(|(k, _)| k != "u3");
    bad[0].1 = "5".into();
    bad.push(("t".into(), token.clone()));
    let (s, page) = app.post_survey(&post, &bad).await;
    assert_eq!(s, 400);
    assert!(page.contains("id=\"e-u1\"") && page.contains("id=\"e-u3\"") && !page.contains("id=\"e-u2\""), "{page}");
    let rows: Vec<[u8; 9]> =
        vec![[3, 3, 3, 3, 3, 3, 3, 3, 3], [4, 3, 3, 3, 3, 3, 3, 3, 3], [4, 3, 2, 3, 4, 3, 3, 3, 1]];
    let mut first = answers(rows[0]);
    first.push(("t".into(), token.clone()));
    let (s, page) = app.post_survey(&post, &first).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Terima kasih"));
    // The invitation is good for one response.
    let (s, page) = app.post_survey(&post, &first).await;
    assert_eq!(s, 409);
    assert!(page.contains("sudah diisi"));
    assert_eq!(app.get(&path).await.status().as_u16(), 409);
    // A forged token is refused.
    let forged = format!(
        "/r/{id}/survey?t={}",
        token.replace(&token[token.len() - 1..], if token.ends_with('0') { "1" } else { "0" })
    );
    assert_eq!(app.get(&forged).await.status().as_u16(), 403);
    // Two open responses for the same agency.
    for r in &rows[1..] {
        let mut form = answers(*r);
        form.push(("agency".into(), "DISPERKIM".into()));
        form.push(("service".into(), "pju-mati".into()));
        let (s, page) = app.post_survey(&format!("/j/{TNG}/survei"), &form).await;
        assert_eq!(s, 200, "{page}");
    }
    let (s, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/ikm?unit=agency:DISPERKIM")).await;
    assert_eq!(s, 200, "{v}");
    let u = &v[0];
    assert_eq!(u["respondents"], 3);
    assert_eq!(u["ikm"], json!(ikm_by_hand(&rows)));
    assert_eq!(u["nrr"]["u1"], json!(((11.0 / 3.0) * 10_000.0f64).round() / 10_000.0));
    let grade = match ikm_by_hand(&rows) {
        x if x >= 88.31 => "A",
        x if x >= 76.61 => "B",
        x if x >= 65.0 => "C",
        _ => "D",
    };
    assert_eq!(u["grade"], grade);
    let volume = u["annual_volume"].as_u64().unwrap();
    assert!(volume > 0);
    assert_eq!(u["minimum_sample"], minimum_sample(volume));
    assert_eq!(u["sample_sufficient"], false);
    // The raw answers are open data: the IKM comes out of them as the API says.
    let (s, ct, text) = app.get_text(&format!("/api/v1/jurisdictions/{TNG}/surveys.csv?agency=DISPERKIM")).await;
    assert_eq!((s, ct.as_str()), (200, "text/csv; charset=utf-8"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), laksana_web::service::open_data::SURVEY_COLUMNS);
    let raw: Vec<[u8; 9]> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[1], "DISPERKIM");
            std::array::from_fn(|i| r[3 + i].parse().unwrap())
        })
        .collect();
    assert_eq!(raw.len(), 3);
    assert_eq!(u["ikm"], json!(ikm_by_hand(&raw)), "the spreadsheet of the raw answers agrees");
    assert!(!text.contains("siti") && !text.contains(&id), "no reporter, no report");
    let (_, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/ikm?unit=service:pju-mati")).await;
    assert_eq!(v[0]["respondents"], 3, "the invited response counts for its service too");
    let (_, all) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/ikm")).await;
    assert_eq!(all[0]["unit"], "all");
    assert!(all.as_array().unwrap().iter().any(|x| x["unit"] == "agency:DPUPR" && x["ikm"].is_null()));
    for (q, needle) in [("unit=agency:NOPE", "NOPE"), ("unit=kantor", "agency:CODE"), ("from=kemarin", "YYYY-MM-DD")] {
        let (s, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/ikm?{q}")).await;
        assert_eq!(s, 400, "{q}");
        assert!(v["detail"].as_str().unwrap().contains(needle), "{v}");
    }
    // The dashboard shows the agency's index.
    let (_, stats) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/stats?agency=DISPERKIM")).await;
    assert_eq!(stats["ikm"]["ikm"], json!(ikm_by_hand(&rows)));
    let (_, _, page) = app.get_text(&format!("/dashboard/{TNG}?agency=DISPERKIM")).await;
    assert!(page.contains(&format!("{}", ikm_by_hand(&rows)).replace('.', ",")), "the page shows the index");

    // Weights: an admin sets them, the index follows; bad weights and other roles are refused.
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let operator = app.staff("op2@kota.test", Role::Operator, None).await;
    let url = format!("/api/v1/jurisdictions/{TNG}/ikm/weights");
    let mut w = vec![0.0; 9];
    w[0] = 1.0;
    let (s, _) = app.call("PUT", &url, Some(&operator), None, Some(json!({"weights": w}))).await;
    assert_eq!(s, 403);
    let (s, v) = app.call("PUT", &url, Some(&admin), None, Some(json!({"weights": vec![0.1; 9]}))).await;
    assert_eq!(s, 400);
    assert!(v["detail"].as_str().unwrap().contains("sum to 1"), "{v}");
    let (s, _) = app.call("PUT", &url, Some(&admin), None, Some(json!({"weights": [0.5, 0.5]}))).await;
    assert_eq!(s, 400);
    let (s, v) = app.call("PUT", &url, Some(&admin), None, Some(json!({"weights": w}))).await;
    assert_eq!(s, 200, "{v}");
    let (_, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/ikm?unit=agency:DISPERKIM")).await;
    assert_eq!(v[0]["ikm"], json!(((25.0 * 11.0 / 3.0) * 100.0f64).round() / 100.0), "all weight on u1");
    let (_, acts) = app.call("GET", &format!("/api/v1/jurisdictions/{TNG}/activity"), Some(&admin), None, None).await;
    assert!(acts.to_string().contains("ikm_weights_set"), "{acts}");
});

trait StatusBody {
    fn into_status_body(self) -> (u16, String);
}

impl StatusBody for (u16, String, String) {
    fn into_status_body(self) -> (u16, String) {
        (self.0, self.2)
    }
}

both!(a_survey_opens_only_once_its_report_is_resolved_and_open_answers_are_limited, |app| {
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let (id, _) = app.report("pju-mati", "publik", Some("budi@warga.test")).await;
    let (s, v) = app.act(Some(&operator), None, &id, json!({"action": "verify", "expected_status": "submitted"})).await;
    assert_eq!(s, 200, "{v}");
    // The reporter's personal link (sent with every notice) does not open the survey yet.
    let mails = app.decoded_mails().await;
    let needle = format!("/laporan/{id}?t=");
    let token = mails
        .iter()
        .find_map(|(_, m)| {
            m.find(&needle).map(|at| m[at + needle.len()..].split_whitespace().next().unwrap().to_owned())
        })
        .expect("a personal link");
    let (s, _, page) = app.get_text(&format!("/r/{id}/survey?t={token}")).await;
    assert_eq!(s, 409);
    assert!(page.contains("setelah laporan selesai"), "{page}");
    // Someone else's token is no invitation to this report.
    let (other, _) = app.report("pju-mati", "publik", None).await;
    assert_eq!(app.get(&format!("/r/{other}/survey?t={token}")).await.status().as_u16(), 403);

    // The open survey: the form lists agencies; a wrong agency or service is explained.
    let (s, _, page) = app.get_text(&format!("/j/{TNG}/survei")).await;
    assert_eq!(s, 200);
    assert!(page.contains("DISPERKIM") && page.contains("name=\"agency\""));
    let mut form = answers([3; 9]);
    form.push(("agency".into(), "DPUPR".into()));
    form.push(("service".into(), "pju-mati".into()));
    let (s, page) = app.post_survey(&format!("/j/{TNG}/survei"), &form).await;
    assert_eq!(s, 400, "pju-mati is not a service of DPUPR");
    assert!(page.contains("not a service of this agency"));
    // A cross-site post is refused before anything is counted.
    let res = app
        .client
        .post(app.url(&format!("/j/{TNG}/survei")))
        .header("origin", "https://jahat.test")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let mut ok = answers([2; 9]);
    ok.push(("agency".into(), "DPUPR".into()));
    // The bad attempt above counted: nine more are taken, then the address is told to wait.
    for i in 0..9 {
        let (s, page) = app.post_survey(&format!("/j/{TNG}/survei"), &ok).await;
        assert_eq!(s, 200, "{i}: {page}");
    }
    let res = app
        .client
        .post(app.url(&format!("/j/{TNG}/survei")))
        .header("origin", &app.base)
        .form(&ok)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"), "the address is told when to come back");
    let (_, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/ikm?unit=agency:DPUPR")).await;
    assert_eq!(v[0]["respondents"], 9);
    assert_eq!(v[0]["ikm"], json!(50.0));
    assert_eq!(v[0]["grade"], "D");
});

both!(service_standards_are_published_in_versions_with_the_pledge_and_handler, |app| {
    let admin = app.staff("admin@kota.test", Role::Admin, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let url = format!("/api/v1/jurisdictions/{TNG}/services/pju-mati/standard");
    let (s, v) = app.get_json(&url).await;
    assert_eq!(s, 200);
    assert!(v["current"].is_null() && v["history"].as_array().unwrap().is_empty());
    assert_eq!(v["complaint_handler"].as_str().map(|h| !h.is_empty()), Some(true), "the demo names its handlers");
    let components = |tag: &str| -> Value {
        laksana_core::quality::standards::COMPONENTS
            .iter()
            .map(|(k, _, _)| (k.to_string(), json!(format!("{tag} {k}"))))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let body = json!({"decree_number": "Perwal No. 7 Tahun 2025", "decree_date": "2025-02-03", "components": components("Lama")});
    let (s, _) = app.call("POST", &url, Some(&operator), None, Some(body.clone())).await;
    assert_eq!(s, 403);
    let (s, v) = app.call("POST", &url, Some(&admin), None, Some(body)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["current"]["version"], 1);
    let mut missing = components("Baru");
    missing.as_object_mut().unwrap().remove("biaya");
    let (s, v) = app
        .call(
            "POST",
            &url,
            Some(&admin),
            None,
            Some(json!({"decree_number": "", "decree_date": "2026-01-05", "components": missing})),
        )
        .await;
    assert_eq!(s, 400);
    let errors = v["errors"].to_string();
    assert!(errors.contains("biaya") && errors.contains("decree_number"), "{v}");
    let body = json!({"decree_number": "Perwal No. 3 Tahun 2026", "decree_date": "2026-01-05", "components": components("Baru")});
    let (s, v) = app.call("POST", &url, Some(&admin), None, Some(body)).await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["current"]["version"], 2);
    assert_eq!(v["current"]["components"][4]["text"], "Baru biaya");
    assert_eq!(v["history"][0]["decree_number"], "Perwal No. 7 Tahun 2025");
    let (s, _) = app
        .call(
            "PUT",
            &format!("/api/v1/jurisdictions/{TNG}/agencies/DISPERKIM/maklumat"),
            Some(&admin),
            None,
            Some(json!({"maklumat": "Kami siap melayani dengan cepat."})),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _, page) = app.get_text(&format!("/j/{TNG}/layanan/pju-mati")).await;
    assert_eq!(s, 200);
    for needle in [
        "Perwal No. 3 Tahun 2026",
        "Baru biaya",
        "Perwal No. 7 Tahun 2025",
        "Lama biaya",
        "Kami siap melayani dengan cepat.",
        "Dasar hukum",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let (s, _, list) = app.get_text(&format!("/j/{TNG}/layanan")).await;
    assert_eq!(s, 200);
    assert!(list.contains(&format!("/j/{TNG}/layanan/pju-mati")));
    assert_eq!(app.get(&format!("/j/{TNG}/layanan/tidak-ada")).await.status().as_u16(), 404);
    let (_, acts) = app.call("GET", &format!("/api/v1/jurisdictions/{TNG}/activity"), Some(&admin), None, None).await;
    let acts = acts.to_string();
    assert!(acts.contains("service_standard") && acts.contains("maklumat_set"), "{acts}");
});

both!(compliance_is_assessed_by_the_ombudsman_with_live_indicators, |app| {
    let ombudsman = app.staff("ori@ombudsman.test", Role::Ombudsman, None).await;
    let operator = app.staff("op@kota.test", Role::Operator, None).await;
    let (s, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/compliance/DPUPR?period=2026")).await;
    assert_eq!(s, 200, "{v}");
    let indicators = v["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 16);
    let live: Vec<&Value> = indicators.iter().filter(|i| !i["live_score"].is_null()).collect();
    assert!(live.iter().any(|i| i["code"] == "ch1"), "resolved within deadline comes from the data: {v}");
    assert!(live.iter().any(|i| i["code"] == "ch4"), "the demo names DPUPR's handler");
    let mut body = serde_json::Map::new();
    for i in indicators {
        let code = i["code"].as_str().unwrap();
        body.insert(code.into(), json!({"score": 2, "evidence": format!("Bukti {code}")}));
    }
    let url = format!("/api/v1/jurisdictions/{TNG}/compliance/DPUPR");
    let (s, _) =
        app.call("POST", &url, Some(&operator), None, Some(json!({"period": "2026", "indicators": body}))).await;
    assert_eq!(s, 403);
    let (s, _) = app.call("POST", &url, None, None, Some(json!({"period": "2026", "indicators": body}))).await;
    assert_eq!(s, 401);
    let mut bad = body.clone();
    bad.insert("in1".into(), json!({"score": 4}));
    let (s, v) =
        app.call("POST", &url, Some(&ombudsman), None, Some(json!({"period": "2026", "indicators": bad}))).await;
    assert_eq!(s, 400, "{v}");
    let mut missing = body.clone();
    missing.remove("pr2");
    let (s, v) =
        app.call("POST", &url, Some(&ombudsman), None, Some(json!({"period": "2026", "indicators": missing}))).await;
    assert_eq!(s, 400);
    assert!(v["detail"].as_str().unwrap().contains("pr2"));
    let (s, v) =
        app.call("POST", &url, Some(&ombudsman), None, Some(json!({"period": "26", "indicators": body}))).await;
    assert_eq!(s, 400, "{v}");
    let (s, a) =
        app.call("POST", &url, Some(&ombudsman), None, Some(json!({"period": "2026", "indicators": body}))).await;
    assert_eq!(s, 201, "{a}");
    // By hand: three dimensions at 2/3 = 66.67; complaint handling from its live scores, else 2.
    let ch: Vec<f64> = indicators
        .iter()
        .filter(|i| i["dimension"] == "complaint_handling")
        .map(|i| i["live_score"].as_f64().unwrap_or(2.0))
        .collect();
    let ch = (ch.iter().sum::<f64>() / 4.0 / 3.0 * 100.0 * 100.0).round() / 100.0;
    let other = (2.0f64 / 3.0 * 100.0 * 100.0).round() / 100.0;
    let score = ((0.2185 * other + 0.3237 * other + 0.2424 * other + 0.2154 * ch) * 100.0).round() / 100.0;
    assert_eq!(a["score"], json!(score), "{a}");
    let zone = if score >= 81.0 {
        "green"
    } else if score >= 51.0 {
        "yellow"
    } else {
        "red"
    };
    assert_eq!(a["zone"], zone);
    assert_eq!(a["indicators"]["in1"]["evidence"], "Bukti in1");
    // A second recording for the year replaces it as the one that counts; both are history.
    let mut better = body.clone();
    for (_, v) in better.iter_mut() {
        v["score"] = json!(3);
    }
    let (s, b) =
        app.call("POST", &url, Some(&ombudsman), None, Some(json!({"period": "2026", "indicators": better}))).await;
    assert_eq!(s, 201, "{b}");
    let (_, list) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/compliance?period=2026")).await;
    let dpupr: Vec<&Value> = list.as_array().unwrap().iter().filter(|a| a["agency"] == "DPUPR").collect();
    assert_eq!(dpupr.len(), 1, "one assessment counts per agency and year: {list}");
    assert_eq!(dpupr[0]["score"], b["score"]);
    let (_, v) = app.get_json(&format!("/api/v1/jurisdictions/{TNG}/compliance/DPUPR?period=2026")).await;
    assert_eq!(v["history"].as_array().unwrap().len(), 2);
    let (_, stats) =
        app.get_json(&format!("/api/v1/jurisdictions/{TNG}/stats?agency=DPUPR&from=2026-01-01&to=2026-11-28")).await;
    assert_eq!(stats["compliance"]["score"], b["score"]);
    assert_eq!(stats["compliance"]["zone"], b["zone"]);
    let (_, acts) =
        app.call("GET", &format!("/api/v1/jurisdictions/{TNG}/activity"), Some(&ombudsman), None, None).await;
    assert!(acts.to_string().contains("compliance"), "{acts}");
});

both!(officials_reach_the_quality_pages_their_role_allows, |app| {
    let admin = app.signed_in("admin@kota.test", Role::Admin).await;
    let ombudsman = app.signed_in("ori@ombudsman.test", Role::Ombudsman).await;
    let operator = app.signed_in("op@kota.test", Role::Operator).await;
    for path in [
        format!("/admin/{TNG}/layanan/pju-mati/standar"),
        format!("/admin/{TNG}/instansi/DISPERKIM/maklumat"),
        format!("/admin/{TNG}/ikm"),
        format!("/admin/{TNG}/kepatuhan"),
        format!("/admin/{TNG}/kepatuhan/DPUPR?periode=2026"),
    ] {
        let (s, _) = app.admin_get(&admin, &path).await;
        assert_eq!(s, 200, "{path}");
        let (s, _) = app.admin_get(&operator, &path).await;
        assert_eq!(s, 403, "{path}");
    }
    let (s, _) = app.admin_get(&ombudsman, &format!("/admin/{TNG}/kepatuhan")).await;
    assert_eq!(s, 200);
    let (s, _) = app.admin_get(&ombudsman, &format!("/admin/{TNG}/ikm")).await;
    assert_eq!(s, 403);
    // The ombudsman records an assessment with the form.
    let mut form: Vec<(String, String)> = vec![("periode".into(), "2026".into())];
    for i in laksana_core::quality::compliance::INDICATORS {
        form.push((format!("score_{}", i.code), "1".into()));
        form.push((format!("evidence_{}", i.code), "Dokumen".into()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (s, to) = app.admin_post(&ombudsman, &format!("/admin/{TNG}/kepatuhan/DPUPR"), &pairs).await;
    assert_eq!(s, 303, "{to}");
    let (_, page) = app.admin_get(&ombudsman, &format!("/admin/{TNG}/kepatuhan?periode=2026")).await;
    assert!(page.contains("Dinas Pekerjaan Umum") && page.contains("<svg"), "the comparison lists the agency");
    // A form without scores is shown again with what is missing.
    let (s, page) = app.admin_post(&ombudsman, &format!("/admin/{TNG}/kepatuhan/DPUPR"), &[("periode", "2026")]).await;
    assert_eq!(s, 422);
    assert!(page.contains("in1"));
    // The admin publishes standards and a pledge with the forms; the weights form refuses a bad sum.
    let mut std_form: Vec<(String, String)> =
        vec![("decree_number".into(), "Perwal 1/2026".into()), ("decree_date".into(), "2026-01-02".into())];
    for (k, _, _) in laksana_core::quality::standards::COMPONENTS {
        std_form.push((k.to_string(), format!("Teks {k}")));
    }
    let pairs: Vec<(&str, &str)> = std_form.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (s, to) = app.admin_post(&admin, &format!("/admin/{TNG}/layanan/pju-mati/standar"), &pairs).await;
    assert_eq!(s, 303, "{to}");
    let (s, page) = app.admin_post(&admin, &format!("/admin/{TNG}/layanan/pju-mati/standar"), &pairs[..5]).await;
    assert_eq!(s, 422);
    assert!(page.contains("Kompetensi pelaksana"), "the form comes back with the fields");
    let (s, _) = app
        .admin_post(&admin, &format!("/admin/{TNG}/instansi/DISPERKIM/maklumat"), &[("maklumat", "Siap melayani")])
        .await;
    assert_eq!(s, 303);
    let (_, _, page) = app.get_text(&format!("/j/{TNG}/layanan/pju-mati")).await;
    assert!(page.contains("Perwal 1/2026") && page.contains("Siap melayani"));
    let weights: Vec<(String, String)> = (1..=9).map(|i| (format!("u{i}"), "0,1".to_owned())).collect();
    let pairs: Vec<(&str, &str)> = weights.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (s, page) = app.admin_post(&admin, &format!("/admin/{TNG}/ikm"), &pairs).await;
    assert_eq!(s, 422);
    assert!(page.contains("sum to 1"));
});
