//! The audit chain and the deadline ticker on both backends.

use laksana_core::Timestamp;
use laksana_store::testing::TestDb;
use laksana_store::{audit, both_backends, lifecycle, seed};

fn t0() -> Timestamp {
    laksana_core::time::parse_datetime("2026-11-28T10:00:00+07:00", chrono_tz::Asia::Jakarta).unwrap()
}

both_backends!(the_audit_chain_catches_an_edit_behind_the_applications_back, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let v = audit::verify(&t.db).await.unwrap();
    assert!(v.broken.is_none(), "{:?}", v.broken);
    assert!(v.events > 1_000, "the demo's timelines are chained: {}", v.events);
    assert_eq!(v.jurisdictions, 3, "two cities and the deployment's own chain (accounts)");
    // Someone with database access softens a note.
    let victim: i64 = 137;
    assert_eq!(t.execute_raw(&format!("UPDATE audit_events SET note = 'diubah' WHERE id = {victim}")).await, 1);
    let v = audit::verify(&t.db).await.unwrap();
    let broken = v.broken.expect("the edit is caught");
    assert_eq!(broken.event_id, Some(victim));
    assert!(broken.to_string().contains("changed after it was written"), "{broken}");
    // Overwriting its hash as well does not hide the edit.
    let j = broken.jurisdiction_id.clone();
    t.execute_raw(&format!("UPDATE audit_events SET hash = '{}' WHERE id = {victim}", "ab".repeat(32))).await;
    let v = audit::verify(&t.db).await.unwrap();
    assert_eq!(v.broken.unwrap().event_id, Some(victim));
    // Deleting the newest event is caught by the chain head.
    let t2 = TestDb::new(backend).await;
    seed::demo(&t2.db, t0()).await.unwrap();
    t2.execute_raw(&format!(
        "DELETE FROM audit_events WHERE id = (SELECT MAX(id) FROM audit_events WHERE jurisdiction_id = '{j}')"
    ))
    .await;
    let b = audit::verify(&t2.db).await.unwrap().broken.expect("a missing tail is caught");
    assert!(b.to_string().contains("missing from the end"), "{b}");
    // A deleted event in the middle leaves a gap.
    let t3 = TestDb::new(backend).await;
    seed::demo(&t3.db, t0()).await.unwrap();
    t3.execute_raw("DELETE FROM audit_events WHERE id = 50").await;
    let b = audit::verify(&t3.db).await.unwrap().broken.expect("a gap is caught");
    assert!(b.reason.contains("missing"), "{b}");
});

both_backends!(a_ticker_pass_told_to_stop_ends_after_its_batch, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let later = t0().plus_days(90);
    let rules = lifecycle::rules(&t.db, "http://localhost").await.unwrap();
    // A server shutting down stops the pass after the batch in hand; the rest waits for the next pass.
    let first = lifecycle::tick_until(&t.db, &rules, later, 5, &|| true).await.unwrap();
    assert_eq!(first.due, 5, "{first:?}");
    let rest = lifecycle::tick(&t.db, &rules, later, 500).await.unwrap();
    assert!(rest.due > 40, "{rest:?}");
    assert_eq!(lifecycle::tick(&t.db, &rules, later, 500).await.unwrap().due, 0);
});

both_backends!(two_tickers_on_one_database_act_exactly_once, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    // Seeded open reports carry their deadlines; three months on, every clock has run out.
    let later = t0().plus_days(90);
    let rules = lifecycle::rules(&t.db, "http://localhost").await.unwrap();
    let due_before: i64 = count(&t, "SELECT COUNT(*) FROM reports WHERE next_tick_at IS NOT NULL").await;
    assert!(due_before > 50, "{due_before}");
    let before = audit::verify(&t.db).await.unwrap();
    assert!(before.intact() && before.unsealed == 0, "{before:?}");
    let events_before = before.events;
    let jobs_before = laksana_store::jobs::counts(&t.db).await.unwrap().0;
    // Two tickers at once, small batches so that they really interleave.
    let (a, b) = tokio::join!(lifecycle::tick(&t.db, &rules, later, 7), lifecycle::tick(&t.db, &rules, later, 7));
    let (a, b) = (a.unwrap(), b.unwrap());
    // Run again: nothing is left to do at this instant.
    let again = lifecycle::tick(&t.db, &rules, later, 7).await.unwrap();
    assert_eq!(again.due, 0, "{again:?}");
    let escalations = count(&t, "SELECT COUNT(*) FROM audit_events WHERE kind = 'escalation'").await;
    assert_eq!(escalations as u64, a.escalations + b.escalations, "{a:?} {b:?}");
    let timeouts = count(&t, "SELECT COUNT(*) FROM audit_events WHERE actor = 'system' AND kind = 'status'").await;
    assert_eq!(timeouts as u64, a.archived + a.closed + b.archived + b.closed);
    assert!(a.closed + b.closed > 0, "unconfirmed resolutions were closed: {a:?} {b:?}");
    // No report escalated twice to the same level, none closed twice.
    let dup_escalations = count(
        &t,
        "SELECT COUNT(*) FROM (SELECT report_id, data FROM audit_events WHERE kind = 'escalation' GROUP BY report_id, data HAVING COUNT(*) > 1) x",
    )
    .await;
    assert_eq!(dup_escalations, 0);
    let dup_closes = count(
        &t,
        "SELECT COUNT(*) FROM (SELECT report_id FROM audit_events WHERE actor = 'system' AND kind = 'status' GROUP BY report_id HAVING COUNT(*) > 1) x",
    )
    .await;
    assert_eq!(dup_closes, 0);
    let max_level = count(&t, "SELECT MAX(escalation_level) FROM reports").await;
    assert_eq!(max_level, 2, "three months late reaches the leader");
    // Every effect is in the chain once sealed, and each escalation queued its notices; the reports'
    // rows are what their events say.
    audit::seal_pending(&t.db).await.unwrap();
    let v = audit::verify(&t.db).await.unwrap();
    assert!(v.intact(), "{:?} {:?}", v.broken, v.mismatches);
    assert_eq!(v.unsealed, 0);
    assert_eq!(v.events, events_before + escalations as u64 + timeouts as u64);
    assert!(laksana_store::jobs::counts(&t.db).await.unwrap().0 > jobs_before);
});

async fn count(t: &TestDb, sql: &str) -> i64 {
    laksana_store::testing::scalar(&t.db, sql).await
}

both_backends!(an_edit_of_the_current_state_is_caught_and_located, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let v = audit::verify(&t.db).await.unwrap();
    assert!(v.intact(), "{:?} {:?}", v.broken, v.mismatches);
    assert_eq!(v.reports, 560, "every demo report is checked");
    // An insider closes an open report and moves another to a different agency, in the table alone.
    let open: (i64, String) =
        pick(&t, "SELECT id, public_id FROM reports WHERE status = 'in_progress' ORDER BY id").await;
    let moved: (i64, String) = pick(
        &t,
        "SELECT id, public_id FROM reports WHERE agency_id IS NOT NULL AND status = 'dispositioned' ORDER BY id",
    )
    .await;
    t.execute_raw(&format!("UPDATE reports SET status = 'closed', is_open = FALSE WHERE id = {}", open.0)).await;
    t.execute_raw(&format!(
        "UPDATE reports SET agency_id = (SELECT MIN(id) FROM agencies WHERE id <> reports.agency_id AND jurisdiction_id = reports.jurisdiction_id) WHERE id = {}",
        moved.0
    ))
    .await;
    let v = audit::verify(&t.db).await.unwrap();
    assert!(v.broken.is_none(), "the history itself is untouched");
    assert!(!v.intact());
    let found: Vec<(String, &str, String, String)> = v
        .mismatches
        .iter()
        .map(|m| (m.report.clone(), m.difference.field, m.difference.stored.clone(), m.difference.expected.clone()))
        .collect();
    assert!(
        found.contains(&(open.1.clone(), "status", "closed".into(), "in_progress".into())),
        "the closed report is named with both values: {found:?}"
    );
    assert!(found.iter().any(|f| f.0 == moved.1 && f.1 == "agency_id"), "{found:?}");
    assert_eq!(v.mismatch_count, 2, "{found:?}");
    // Hiding an open report from the open lists by its flag alone is caught too.
    let t2 = TestDb::new(backend).await;
    seed::demo(&t2.db, t0()).await.unwrap();
    let open: (i64, String) =
        pick(&t2, "SELECT id, public_id FROM reports WHERE status = 'submitted' ORDER BY id").await;
    t2.execute_raw(&format!("UPDATE reports SET is_open = FALSE, deadline_at = NULL WHERE id = {}", open.0)).await;
    let v = audit::verify(&t2.db).await.unwrap();
    let fields: Vec<&str> = v.mismatches.iter().map(|m| m.difference.field).collect();
    assert_eq!(fields, ["is_open", "deadline_at"], "{:?}", v.mismatches);
    // A report inserted behind the application's back has no event; a deleted one leaves its events.
    let t3 = TestDb::new(backend).await;
    seed::demo(&t3.db, t0()).await.unwrap();
    t3.execute_raw(
        "INSERT INTO reports (public_id, jurisdiction_id, service_id, description, privacy, channel, status, is_open,
             requested_at, updated_at)
         SELECT 'ZZZZ-ZZZZ', jurisdiction_id, id, 'palsu', 'publik', 'web', 'closed', FALSE, 0, 0 FROM services
         WHERE code = 'jalan-rusak' AND jurisdiction_id = 'tangerangkota.go.id'",
    )
    .await;
    let gone: (i64, String) = pick(&t3, "SELECT id, public_id FROM reports WHERE status = 'closed' ORDER BY id").await;
    t3.execute_raw(&format!("DELETE FROM report_media WHERE report_id = {}", gone.0)).await;
    t3.execute_raw(&format!("DELETE FROM audit_events WHERE report_id = {}", gone.0)).await;
    t3.execute_raw(&format!("DELETE FROM reports WHERE id = {}", gone.0)).await;
    let v = audit::verify(&t3.db).await.unwrap();
    assert!(v.broken.is_some(), "deleting the events breaks the chain");
    let reports: Vec<&str> = v.mismatches.iter().map(|m| m.report.as_str()).collect();
    assert!(reports.contains(&"ZZZZ-ZZZZ"), "{:?}", v.mismatches);

    // A report deleted with its events left behind: PostgreSQL has no key from events to reports
    // (it would cost every write a locked lookup), so the audit names the report its events record.
    let t4 = TestDb::new(backend).await;
    seed::demo(&t4.db, t0()).await.unwrap();
    let gone = count(&t4, "SELECT MIN(report_id) FROM audit_events WHERE report_id IS NOT NULL").await;
    t4.execute_raw(&format!("DELETE FROM report_media WHERE report_id = {gone}")).await;
    t4.execute_raw(&format!("DELETE FROM report_followers WHERE report_id = {gone}")).await;
    t4.execute_raw(&format!("DELETE FROM survey_responses WHERE report_id = {gone}")).await;
    t4.execute_raw(&format!("UPDATE reports SET duplicate_of = NULL WHERE duplicate_of = {gone}")).await;
    let delete = format!("DELETE FROM reports WHERE id = {gone}");
    match backend {
        laksana_store::Backend::Sqlite => {
            t4.try_execute_raw(&delete).await.expect_err("SQLite keeps the key: a report with events stays");
        }
        laksana_store::Backend::Postgres => {
            t4.execute_raw(&delete).await;
            let v = audit::verify(&t4.db).await.unwrap();
            let named = v.mismatches.iter().find(|m| m.report == format!("#{gone}"));
            let named = named.unwrap_or_else(|| panic!("#{gone} is named: {:?}", v.mismatches));
            assert_eq!((named.difference.field, named.difference.stored.as_str()), ("report", "no row"));
        }
    }
});

both_backends!(a_report_whose_catalog_row_was_deleted_is_named, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let district = count(&t, "SELECT MIN(district_id) FROM reports WHERE district_id IS NOT NULL").await;
    let orphans = count(&t, &format!("SELECT COUNT(*) FROM reports WHERE district_id = {district}")).await;
    assert!(orphans > 0);
    let delete = format!("DELETE FROM districts WHERE id = {district}");
    match backend {
        // SQLite keeps its foreign keys: the database refuses.
        laksana_store::Backend::Sqlite => {
            let e = t.try_execute_raw(&delete).await.expect_err("a referenced district cannot be deleted");
            assert!(e.to_string().contains("FOREIGN KEY"), "{e}");
        }
        // PostgreSQL's reports carry no foreign key to the catalog: verify-audit names every orphan.
        laksana_store::Backend::Postgres => {
            assert_eq!(t.try_execute_raw(&delete).await.unwrap(), 1);
            let v = audit::verify(&t.db).await.unwrap();
            assert!(!v.intact());
            assert!(v.broken.is_none(), "the history itself is untouched");
            assert_eq!(v.mismatch_count, orphans as u64, "{:?}", v.mismatches);
            let m = &v.mismatches[0];
            assert_eq!(m.difference.field, "district_id");
            assert!(m.to_string().contains(&format!("district_id is {district}, which is not in the catalog")), "{m}");
        }
    }
});

both_backends!(writers_append_and_the_sealer_numbers_in_order, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let sealed = audit::verify(&t.db).await.unwrap().events;
    // A ticker pass three months on writes escalations and time-outs.
    let rules = lifecycle::rules(&t.db, "http://localhost").await.unwrap();
    let stats = lifecycle::tick(&t.db, &rules, t0().plus_days(90), 500).await.unwrap();
    assert!(stats.escalations > 0, "{stats:?}");
    let v = audit::verify(&t.db).await.unwrap();
    match backend {
        // SQLite seals in the writing transaction.
        laksana_store::Backend::Sqlite => assert_eq!(v.unsealed, 0),
        // PostgreSQL writers leave the numbering to the sealer, and the present already checks out.
        laksana_store::Backend::Postgres => assert!(v.unsealed > 0, "{v:?}"),
    }
    assert!(v.intact(), "{:?} {:?}", v.broken, v.mismatches);
    let n = audit::seal_pending(&t.db).await.unwrap();
    let v = audit::verify(&t.db).await.unwrap();
    assert_eq!(v.unsealed, 0);
    assert!(v.intact(), "{:?} {:?}", v.broken, v.mismatches);
    if backend == laksana_store::Backend::Postgres {
        assert_eq!(v.events - sealed, n, "the sealer numbered exactly what was written");
    }
    // Two sealers at once never number an event twice.
    lifecycle::tick(&t.db, &rules, t0().plus_days(200), 500).await.unwrap();
    let (a, b) = tokio::join!(audit::seal_pending(&t.db), audit::seal_pending(&t.db));
    a.unwrap();
    b.unwrap();
    audit::seal_pending(&t.db).await.unwrap();
    let v = audit::verify(&t.db).await.unwrap();
    assert!(v.intact() && v.unsealed == 0, "{:?} {:?}", v.broken, v.mismatches);
});

/// An unsealed event of `chain` with row id `id`, as a writer leaves it.
async fn unsealed_event(t: &TestDb, chain: &str, id: i64) {
    t.execute_raw(&format!(
        "INSERT INTO audit_events (id, jurisdiction_id, subject_kind, subject_id, kind, is_public, actor, created_at,
             data, canon) VALUES ({id}, '{chain}', 'user', '7', 'disabled', false, 'admin', 1, '{{}}', 2)"
    ))
    .await;
}

both_backends!(the_sealer_seeks_past_what_it_sealed_and_still_seals_late_commits, |backend| {
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let mut cursor = audit::SealCursor::default();
    // The first pass looks at everything.
    audit::seal_next(&t.db, &mut cursor).await.unwrap();
    let top = count(&t, "SELECT MAX(id) FROM audit_events").await;

    // New events past the cursor, in a jurisdiction's chain and the deployment's, are sealed next pass.
    unsealed_event(&t, "tangerangkota.go.id", top + 10).await;
    unsealed_event(&t, audit::DEPLOYMENT, top + 11).await;
    assert_eq!(audit::seal_next(&t.db, &mut cursor).await.unwrap(), 2);

    // An event that commits after one with a higher id was sealed sits below the cursor: the quick
    // passes do not see it, the next full pass seals it, and the chains hold.
    unsealed_event(&t, "tangerangkota.go.id", top + 5).await;
    let mut passes = Vec::new();
    while count(&t, "SELECT COUNT(*) FROM audit_events WHERE seq IS NULL").await > 0 {
        passes.push(audit::seal_next(&t.db, &mut cursor).await.unwrap());
        assert!(passes.len() <= 20, "a late commit waits for at most one round of passes: {passes:?}");
    }
    assert_eq!(passes.iter().sum::<u64>(), 1);
    assert!(passes.len() > 1, "the next quick pass does not scan below the cursor: {passes:?}");
    let v = audit::verify(&t.db).await.unwrap();
    assert!(v.intact() && v.unsealed == 0, "{:?} {:?}", v.broken, v.mismatches);
});

async fn pick(t: &TestDb, sql: &str) -> (i64, String) {
    let id = count(t, &format!("SELECT MIN(id) FROM ({sql}) x")).await;
    let item = laksana_store::workflow::load_by_id(&t.db, id).await.unwrap();
    (id, item.unwrap_or_else(|| panic!("no row for {sql}")).public_id.to_string())
}

both_backends!(official_acts_on_settings_and_accounts_are_in_the_chain, |backend| {
    use laksana_core::access::{Grant, Role};
    use laksana_store::{apikeys, catalog, users, webhooks};
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let j = "tangerangkota.go.id";
    // The demo's own setup is on record: its calendar, staff roles and keys.
    let seeded = audit::activity(&t.db, j, None, 200).await.unwrap();
    let kinds: Vec<(&str, &str)> = seeded.iter().map(|a| (a.subject_kind.as_str(), a.kind.as_str())).collect();
    assert!(kinds.contains(&("holidays", "changed")) && kinds.contains(&("grant", "granted")), "{kinds:?}");
    assert!(kinds.contains(&("api_key", "created")), "{kinds:?}");
    assert!(seeded.iter().all(|a| a.actor == "seed"), "{seeded:?}");

    let now = t0();
    let admin = "user:1";
    let new = users::NewUser {
        email: "kepala@kota.test".into(),
        display_name: "Kepala".into(),
        language: "id".into(),
        password: None,
    };
    let user = users::create(&t.db, &new, admin, now).await.unwrap();
    users::grant(&t.db, user.id, &Grant::new(Role::Leader, Some(j.into()), None).unwrap(), admin, now).await.unwrap();
    users::set_password(&t.db, "kepala@kota.test", "rahasia-sekali-123", admin, now).await.unwrap();
    let (key, plain) =
        apikeys::create(&t.db, j, "aplikasi lapangan", Some(user.id), admin, now.as_micros()).await.unwrap();
    webhooks::create(&t.db, j, "https://example.org/hook", admin, now.as_micros()).await.unwrap();
    let day =
        catalog::Holiday { day: "2026-12-24".into(), kind: "cuti_bersama".into(), name: "Cuti bersama Natal".into() };
    catalog::change_holidays(&t.db, j, &[day], &["2026-12-25".into()], admin, now.as_micros()).await.unwrap();
    let deadlines = laksana_core::workflow::Deadlines { verification: 2, ..Default::default() };
    catalog::set_deadlines(&t.db, j, &deadlines, admin, now.as_micros()).await.unwrap();

    let acts = audit::activity(&t.db, j, None, 6).await.unwrap();
    let got: Vec<(&str, &str, &str)> =
        acts.iter().map(|a| (a.subject_kind.as_str(), a.kind.as_str(), a.actor.as_str())).collect();
    assert_eq!(
        got,
        [
            ("deadlines", "changed", admin),
            ("holidays", "changed", admin),
            ("webhook", "created", admin),
            ("api_key", "created", admin),
            ("user", "password_set", admin),
            ("grant", "granted", admin),
        ],
        "newest first, each with its actor"
    );
    // What is recorded names what changed, never a secret.
    let all: String = acts.iter().map(|a| a.data.clone()).collect();
    assert!(all.contains("Cuti bersama Natal") && all.contains("2026-12-25") && all.contains("example.org"), "{all}");
    assert!(all.contains(&key.prefix) && !all.contains(&plain), "the key's prefix, never the key: {all}");
    assert!(!all.contains("rahasia-sekali") && !all.contains("whsec_"), "{all}");
    // The account itself was created in the deployment's chain.
    let deployment = audit::activity(&t.db, audit::DEPLOYMENT, None, 10).await.unwrap();
    assert!(deployment.iter().any(|a| a.kind == "created" && a.data.contains("kepala@kota.test")), "{deployment:?}");
    // Paging goes on where the last page ended.
    let next = audit::activity(&t.db, j, Some(acts[5].id), 1).await.unwrap();
    assert!(next[0].id < acts[5].id);

    audit::seal_pending(&t.db).await.unwrap();
    let v = audit::verify(&t.db).await.unwrap();
    assert!(v.intact() && v.unsealed == 0, "{:?} {:?}", v.broken, v.mismatches);
    // Rewriting the record of an act breaks the chain at that act.
    let victim = acts[1].id;
    t.execute_raw(&format!("UPDATE audit_events SET data = '{{}}' WHERE id = {victim}")).await;
    let broken = audit::verify(&t.db).await.unwrap().broken.expect("an edited act is caught");
    assert_eq!(broken.event_id, Some(victim));
});

both_backends!(a_clock_starts_when_its_state_is_entered, |backend| {
    use laksana_core::workflow::{ClockKind, Command};
    let t = TestDb::new(backend).await;
    seed::demo(&t.db, t0()).await.unwrap();
    let id = count(&t, "SELECT MIN(id) FROM reports WHERE status = 'submitted'").await;
    let item = laksana_store::workflow::load_by_id(&t.db, id).await.unwrap().unwrap();
    assert_eq!(item.clock, Some(ClockKind::Verification));
    assert!(item.clock_started_at.is_some(), "seeded reports know when their clock started");
    let rules = lifecycle::rules(&t.db, "http://localhost").await.unwrap();
    let rules = &rules[item.jurisdiction_id.as_str()];
    let now = t0().plus_days(1);
    let verify = Command::Verify { agency_id: None, note: None };
    lifecycle::transition(&t.db, rules, &item, &verify, "user:1", now).await.unwrap();
    let item = laksana_store::workflow::load_by_id(&t.db, id).await.unwrap().unwrap();
    assert_eq!((item.clock, item.clock_started_at), (Some(ClockKind::Plan), Some(now.as_micros())));
    // A comment leaves the running clock alone.
    let later = now.plus_days(1);
    lifecycle::comment(&t.db, &item, "Sedang dicek", false, "note", "user:1", later).await.unwrap();
    let item = laksana_store::workflow::load_by_id(&t.db, id).await.unwrap().unwrap();
    assert_eq!(item.clock_started_at, Some(now.as_micros()));
});
