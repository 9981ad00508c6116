use super::*;

const REGION: &str = r#"
format = 1

[jurisdiction]
id = "kotacontoh.go.id"
name = "Kota Contoh"
time_zone = "Asia/Jakarta"

[jurisdiction.deadlines]
verification = 2

[[agency]]
code = "DPUPR"
name = "Dinas Pekerjaan Umum"

[[service]]
code = "jalan-rusak"
name = "Jalan rusak"
kind = "pengaduan"
agency = "DPUPR"
sla_tier = "normatif"

[[service.attribute]]
code = "tingkat"
datatype = "singlevaluelist"
required = true
order = 1
description = "Seberapa parah?"
values = [{ key = "ringan", name = "Ringan" }, { key = "berat", name = "Berat" }]
"#;

fn square(code: &str, x: f64) -> String {
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}","name":"Kec. {code}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},-6.2],[{},-6.2],[{},-6.1],[{x},-6.1],[{x},-6.2]]]}}}}"#,
        x + 0.1,
        x + 0.1
    )
}

fn collection(features: &[String]) -> String {
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

fn pack(region: &str, districts: Option<String>, holidays: Option<&str>) -> PackText {
    PackText { region: region.into(), districts, holidays: holidays.map(str::to_owned) }
}

fn problems(text: PackText) -> Vec<String> {
    read(&text).expect_err("the pack is refused").iter().map(ToString::to_string).collect()
}

#[test]
fn a_good_pack_reads_and_writes_back_the_same() {
    let text = pack(
        REGION,
        Some(collection(&[square("A", 106.6), square("B", 106.7)])),
        Some("date,kind,name\n2026-12-25,libur_nasional,Natal\n"),
    );
    let p = read(&text).expect("a good pack");
    assert_eq!(p.region.jurisdiction.deadlines.verification, 2);
    assert_eq!(
        p.region.jurisdiction.deadlines.plan,
        crate::workflow::Deadlines::default().plan,
        "left out: the default"
    );
    assert_eq!(p.region.services[0].attributes[0].values.len(), 2);
    assert_eq!(p.districts.len(), 2);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let again = PackText {
        region: write_region(&p.region),
        districts: Some(write_districts(&p.districts)),
        holidays: Some(write_holidays(&p.holidays)),
    };
    let q = read(&again).expect("what was written reads back");
    assert_eq!(p, q);
    assert_eq!(write_region(&q.region), again.region, "the same text for the same catalog");
}

#[test]
fn each_mistake_in_region_toml_is_named_with_its_place_and_field() {
    let cases: [(&str, &str, &str); 7] = [
        ("format = 1", "format = 2", "region.toml: format: this Laksana reads format 1, not 2"),
        ("time_zone = \"Asia/Jakarta\"", "time_zone = \"Asia/Bandung\"", "[jurisdiction]: time_zone"),
        (
            "agency = \"DPUPR\"",
            "agency = \"DINAS\"",
            "[[service]] 1 (jalan-rusak): agency: no [[agency]] has the code \"DINAS\"",
        ),
        ("code = \"jalan-rusak\"", "code = \"Jalan Rusak\"", "[[service]] 1 (Jalan Rusak): code"),
        (
            "datatype = \"singlevaluelist\"",
            "datatype = \"number\"",
            "attribute tingkat: values: a number attribute takes no values",
        ),
        ("verification = 2", "verification = 0", "[jurisdiction.deadlines]: verification"),
        ("kind = \"pengaduan\"", "kind = \"keluhan\"", "region.toml: line 19: unknown variant `keluhan`"),
    ];
    for (from, to, want) in cases {
        let got = problems(pack(&REGION.replacen(from, to, 1), None, None));
        assert!(got.iter().any(|p| p.contains(want)), "{to}: want {want:?} in {got:?}");
    }
}

#[test]
fn each_mistake_in_the_districts_is_named_with_its_feature() {
    let cases: Vec<(String, &str)> = vec![
        (r#"{"type":"Feature"}"#.into(), "must be a GeoJSON FeatureCollection"),
        (collection(&[square("A", 106.6).replace("\"code\":\"A\",", "")]), "feature 1: properties.code: is missing"),
        (collection(&[square("A", 106.6).replace("\"name\":\"Kec. A\"", "\"x\":1")]), "feature 1 (A): properties.name: is missing"),
        (collection(&[square("A", 106.6), square("A", 106.8)]), "feature 2 (A): properties.code: is used by another feature"),
        (collection(&[square("A", 106.6).replace(",[106.6,-6.2]]]", "]]")]), "is not closed"),
        (collection(&[square("A", 106.6).replace("[106.6,-6.2]", "[-6.2,106.6]")]), "looks like [latitude, longitude]"),
        (collection(&[square("A", 406.6)]), "is not longitude/latitude in WGS 84"),
        (collection(&[square("A", 106.6).replace("\"Polygon\"", "\"Point\"")]), "geometry.type: must be Polygon or MultiPolygon"),
        // A bow tie: its ring crosses itself.
        (
            collection(&[r#"{"type":"Feature","properties":{"code":"X","name":"X"},"geometry":{"type":"Polygon","coordinates":[[[106.6,-6.2],[106.7,-6.1],[106.7,-6.2],[106.6,-6.1],[106.6,-6.2]]]}}"#.into()]),
            "self-intersection",
        ),
        ("{not json".into(), "districts.geojson: line 1: not JSON"),
    ];
    for (districts, want) in cases {
        let got = problems(pack(REGION, Some(districts.clone()), None));
        assert!(got.iter().any(|p| p.contains(want)), "want {want:?} in {got:?} for {districts}");
    }
}

#[test]
fn overlapping_districts_are_a_warning_not_a_refusal() {
    let p = read(&pack(REGION, Some(collection(&[square("A", 106.6), square("B", 106.65)])), None)).expect("readable");
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].to_string().contains("A and B"), "{}", p.warnings[0]);
}

#[test]
fn a_bad_holiday_line_is_named() {
    let got = problems(pack(
        REGION,
        None,
        Some("date,kind,name\n2026-12-25,libur_nasional,Natal\n2026-13-01,libur_nasional,X\n"),
    ));
    assert!(got.iter().any(|p| p.starts_with("holidays.csv: line 3")), "{got:?}");
}

#[test]
fn holidays_need_their_header_and_each_date_once() {
    let got = problems(pack(REGION, None, Some("2026-12-25,libur_nasional,Natal\n")));
    assert!(got.iter().any(|p| p.contains("holidays.csv: line 1: the first line must be the header")), "{got:?}");
    let got = problems(pack(
        REGION,
        None,
        Some("date,kind,name\n2026-12-25,libur_nasional,Natal\n2026-12-25,cuti_bersama,Natal\n"),
    ));
    assert!(got.iter().any(|p| p.contains("line 3: 2026-12-25 is listed twice")), "{got:?}");
}

#[test]
fn codes_keys_and_routing_are_checked() {
    let bad_agency = REGION.replacen("code = \"DPUPR\"", "code = \"DPU/PR\"", 1);
    assert!(problems(pack(&bad_agency, None, None)).iter().any(|p| p.contains("letters, digits")));
    let bad_key = REGION.replacen("key = \"ringan\"", "key = \"a=b\"", 1);
    assert!(problems(pack(&bad_key, None, None)).iter().any(|p| p.contains("may not hold '='")));
    let inactive =
        REGION.replacen("name = \"Dinas Pekerjaan Umum\"", "name = \"Dinas Pekerjaan Umum\"\nactive = false", 1);
    assert!(
        problems(pack(&inactive, None, None)).iter().any(|p| p.contains("DPUPR is not active")),
        "an active service routes to it"
    );
}

#[test]
fn a_file_too_big_to_check_quickly_is_refused() {
    let many: Vec<String> =
        (0..districts::MAX_FEATURES + 1).map(|i| square(&format!("D{i}"), 100.0 + (i as f64) * 0.001)).collect();
    let got = problems(pack(REGION, Some(collection(&many)), None));
    assert!(got.iter().any(|p| p.contains("at most 5000 per file")), "{got:?}");
}

#[test]
fn a_district_in_parts_is_a_multipolygon() {
    let part = |x: f64| format!("[[[{x},-6.2],[{},-6.2],[{},-6.1],[{x},-6.1],[{x},-6.2]]]", x + 0.1, x + 0.1);
    let island = format!(
        r#"{{"type":"Feature","properties":{{"code":"P","name":"Kep. Seribu"}},"geometry":{{"type":"MultiPolygon","coordinates":[{},{}]}}}}"#,
        part(106.5),
        part(106.8)
    );
    let p = read(&pack(REGION, Some(collection(&[island])), None)).expect("a MultiPolygon district");
    assert_eq!(p.districts[0].polygons.len(), 2);
    let written = write_districts(&p.districts);
    assert!(written.contains("MultiPolygon"));
    let again = read(&pack(REGION, Some(written), None)).expect("reads back");
    assert_eq!(again.districts, p.districts);
    let stored = p.districts[0].stored_geometry();
    assert_eq!(DistrictDef::polygons_of(&stored), Some(p.districts[0].polygons.clone()));
    // Parts that overlap each other are not a valid district.
    let overlapping = format!(
        r#"{{"type":"Feature","properties":{{"code":"Q","name":"Q"}},"geometry":{{"type":"MultiPolygon","coordinates":[{},{}]}}}}"#,
        part(106.5),
        part(106.55)
    );
    assert!(
        problems(pack(REGION, Some(collection(&[overlapping])), None))
            .iter()
            .any(|p| p.contains("not a valid polygon"))
    );
}
