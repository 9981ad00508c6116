//! Region packs on both backends: a jurisdiction's catalog out and back in, exactly; a second import
//! that changes nothing; a changed pack that updates in place and leaves a trail; and the example
//! packs shipped in `examples/regions/`.

use std::path::PathBuf;

use laksana_core::Timestamp;
use laksana_core::region::{self, PackText};
use laksana_store::testing::TestDb;
use laksana_store::{audit, both_backends, catalog, region as packs, seed};

fn t0() -> Timestamp {
    laksana_core::time::parse_datetime("2026-11-28T10:00:00+07:00", chrono_tz::Asia::Jakarta).unwrap()
}

const TNG: &str = "tangerangkota.go.id";

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/regions")
}

async fn import(db: &laksana_store::Db, text: &PackText) -> packs::ImportSummary {
    let pack = region::read(text).unwrap_or_else(|p| panic!("{p:?}"));
    packs::import(db, &pack, text.holidays.is_some(), "test", t0()).await.unwrap()
}

both_backends!(a_catalog_goes_out_as_a_pack_and_comes_back_exactly, |backend| {
    let demo = TestDb::new(backend).await;
    seed::demo(&demo.db, t0()).await.unwrap();
    let out = packs::export(&demo.db, TNG).await.unwrap().expect("the demo city");
    assert!(packs::export(&demo.db, "tidak-ada.go.id").await.unwrap().is_none());

    let empty = TestDb::new(backend).await;
    let first = import(&empty.db, &out).await;
    assert_eq!(first.jurisdiction, Some("created"));
    assert_eq!(first.created.len(), 16 + 32 + 13, "agencies, services, districts: {first:?}");
    assert_eq!(packs::export(&empty.db, TNG).await.unwrap().unwrap(), out, "the same pack comes back out");
    let again = import(&empty.db, &out).await;
    assert!(again.is_empty(), "a second import changes nothing: {again:?}");
    // The catalog works: the services, their attributes and routing are the demo's.
    let (a, b) = (catalog::services(&demo.db, TNG).await.unwrap(), catalog::services(&empty.db, TNG).await.unwrap());
    assert_eq!(
        a.iter().map(|s| (&s.code, &s.attributes, s.private)).collect::<Vec<_>>(),
        b.iter().map(|s| (&s.code, &s.attributes, s.private)).collect::<Vec<_>>()
    );
    // Every created thing is on record, and the trail holds.
    let v = audit::verify(&empty.db).await.unwrap();
    assert!(v.intact(), "{:?}", v.broken);
    let acts = laksana_store::testing::scalar(&empty.db, "SELECT COUNT(*) FROM audit_events WHERE subject_kind IN ('jurisdiction', 'agency', 'service', 'district', 'holidays')").await;
    assert_eq!(acts, 1 + 16 + 32 + 13 + 1);
});

both_backends!(a_changed_pack_updates_in_place_and_deletes_nothing, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let out = packs::export(&t.db, TNG).await.unwrap().unwrap();
    let reports_before = laksana_store::testing::scalar(&t.db, "SELECT COUNT(*) FROM reports").await;
    let mut changed = out.clone();
    changed.region = out
        .region
        .replacen("name = \"Jalan Rusak / Berlubang\"", "name = \"Jalan Rusak\"", 1)
        .replacen("[[agency]]\ncode = \"BAPENDA\"", "[[agency]]\ncode = \"BAPPEDA\"\nname = \"Badan Perencanaan Pembangunan Daerah\"\n\n[[agency]]\ncode = \"BAPENDA\"", 1);
    // A service the pack leaves out stays: reports point to it.
    let start = changed.region.find("[[service]]\ncode = \"pungli\"").unwrap();
    changed.region.truncate(start);
    let done = import(&t.db, &changed).await;
    assert_eq!(done.created, vec!["agency BAPPEDA".to_owned()], "{done:?}");
    assert_eq!(done.changed, vec!["service jalan-rusak".to_owned()], "{done:?}");
    assert_eq!(catalog::service(&t.db, TNG, "jalan-rusak").await.unwrap().unwrap().name, "Jalan Rusak");
    assert!(catalog::service(&t.db, TNG, "pungli").await.unwrap().is_some());
    assert_eq!(laksana_store::testing::scalar(&t.db, "SELECT COUNT(*) FROM reports").await, reports_before);
    let kinds = laksana_store::testing::scalar(
        &t.db,
        "SELECT COUNT(*) FROM audit_events WHERE subject_kind = 'service' AND kind = 'changed' AND actor = 'test'",
    )
    .await;
    assert_eq!(kinds, 1);
    // Holidays follow the pack: one removed from the file is removed.
    let mut fewer = changed.clone();
    let h = fewer.holidays.take().unwrap();
    fewer.holidays = Some(h.lines().filter(|l| !l.starts_with("2026-12-25")).map(|l| format!("{l}\n")).collect());
    let done = import(&t.db, &fewer).await;
    assert_eq!((done.holidays_added, done.holidays_removed), (0, 1), "{done:?}");
});

both_backends!(the_example_packs_are_valid_and_the_tangerang_one_is_the_demo, |backend| {
    for name in ["kota-tangerang", "kota-bogor"] {
        let (pack, _) = packs::read_dir(&examples().join(name)).unwrap_or_else(|p| panic!("{name}: {p:?}"));
        assert!(pack.warnings.is_empty(), "{name}: {:?}", pack.warnings);
        assert!(!pack.districts.is_empty() && !pack.region.services.is_empty());
    }
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let demo = packs::export(&t.db, TNG).await.unwrap().unwrap();
    let dir = examples().join("kota-tangerang");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    assert_eq!(
        read(region::REGION_FILE),
        demo.region,
        "examples/regions/kota-tangerang follows the demo (re-export it)"
    );
    assert_eq!(Some(read(region::DISTRICTS_FILE)), demo.districts);
    assert_eq!(Some(read(region::HOLIDAYS_FILE)), demo.holidays);
    // Kota Bogor goes into the demo's database beside the others.
    let (bogor, holidays) = packs::read_dir(&examples().join("kota-bogor")).unwrap();
    let done = packs::import(&t.db, &bogor, holidays, "test", t0()).await.unwrap();
    assert_eq!(done.jurisdiction, Some("created"));
    assert_eq!(catalog::districts(&t.db, "kotabogor.go.id").await.unwrap().len(), 6);
});

both_backends!(a_district_in_parts_finds_pins_in_each_part, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let mut text = packs::export(&t.db, TNG).await.unwrap().unwrap();
    let part = |x: f64| serde_json::json!([[[x, -5.9], [x + 0.05, -5.9], [x + 0.05, -5.85], [x, -5.85], [x, -5.9]]]);
    let mut doc: serde_json::Value = serde_json::from_str(text.districts.as_deref().unwrap()).unwrap();
    doc["features"].as_array_mut().unwrap().push(serde_json::json!({
        "type": "Feature",
        "properties": {"code": "36.71.90", "name": "Pulau-pulau"},
        "geometry": {"type": "MultiPolygon", "coordinates": [part(106.5), part(106.7)]}
    }));
    text.districts = Some(doc.to_string());
    let done = import(&t.db, &text).await;
    assert_eq!(done.created, vec!["district 36.71.90".to_owned()], "{done:?}");
    let rows = catalog::districts(&t.db, TNG).await.unwrap();
    let id = rows.iter().find(|d| d.code == "36.71.90").unwrap().id;
    let index = laksana_store::geo::DistrictIndex::new(&rows);
    for lon in [106.52, 106.72] {
        let at = laksana_core::Coordinates::new(-5.87, lon).unwrap();
        assert_eq!(index.locate(at), Some(id), "a pin in either part");
    }
    // And it goes back out as it came in.
    let out = packs::export(&t.db, TNG).await.unwrap().unwrap();
    assert!(out.districts.unwrap().contains("MultiPolygon"));
});
