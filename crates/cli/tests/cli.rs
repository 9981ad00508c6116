//! The `laksana` binary as an operator uses it: seeding, API keys, serving, and a graceful stop that
//! lets a request in flight finish. SQLite only: the binary's database code is the store's, which is
//! tested on both backends.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::*;

#[test]
fn seeding_twice_adds_nothing_and_keys_are_shown_once() {
    let d = Dir::new("seed");
    let first = run(&d.0, &["seed", "--demo"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let out = text(&first.stdout);
    assert!(out.contains("loaded tangerangkota.go.id"), "{out}");
    assert!(out.contains("lks_demo_tangerangkota_open311"));
    assert!(d.0.join("data/laksana.db").exists(), "the database lives in data_dir");
    let again = run(&d.0, &["seed", "--demo"]);
    assert!(text(&again.stdout).contains("already loaded"));

    let key = run(&d.0, &["apikey", "create", "--jurisdiction", "tangerangkota.go.id", "--name", "Aplikasi"]);
    assert!(key.status.success());
    let line = text(&key.stdout);
    assert!(line.trim().starts_with("api_key: lks_") && line.trim().len() > 40, "{line}");
    let bad = run(&d.0, &["apikey", "create", "--jurisdiction", "nowhere.go.id", "--name", "x"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("nowhere.go.id"));

    let nothing = run(&d.0, &["seed"]);
    assert!(!nothing.status.success());
    assert!(text(&nothing.stderr).contains("--demo"));
    let synthetic = run(&d.0, &["seed", "--synthetic", "300"]);
    assert!(synthetic.status.success(), "{}", text(&synthetic.stderr));
    assert!(text(&synthetic.stdout).contains("synthetic: 300 reports"));
}

#[test]
fn bad_configuration_is_explained() {
    let d = Dir::new("config");
    let out = laksana(&d.0).env("LAKSANA__LOG__FORMAT", "yaml").arg("migrate").output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("log.format must be text or json"));
    let out = laksana(&d.0).env("LAKSANA__DATABASE__URL", "mysql://x").arg("migrate").output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("sqlite:// or postgres://"), "{}", text(&out.stderr));
}

// The caller waits for the child it is handed; clippy cannot see across the return.
#[allow(clippy::zombie_processes)]
#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let d = Dir::new("serve");
    let (mut child, addr) = start_server(&d.0, &["serve", "--demo"]);
    let body =
        "api_key=lks_demo_tangerangkota_open311&service_code=pju-mati&lat=-6.17&long=106.63&description=Lampu+mati";
    let mut conn = TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "POST /open311/v2/requests.json HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    conn.write_all(&body.as_bytes()[..20]).unwrap();
    // Long enough for a busy machine to have parsed the head and started the handler.
    std::thread::sleep(Duration::from_millis(1000));
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(300));
    conn.write_all(&body.as_bytes()[20..]).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains("service_request_id"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the server exits cleanly: {status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(TcpStream::connect(&addr).is_err(), "no new connections after the stop");
}

#[test]
fn accounts_holidays_and_the_audit_trail_from_the_command_line() {
    let d = Dir::new("admin");
    assert!(run(&d.0, &["seed", "--demo"]).status.success());
    // Accounts: a role needs its scope; passwords come from standard input.
    let ok = run(
        &d.0,
        &[
            "user",
            "create",
            "--email",
            "Petugas@Kota.test",
            "--role",
            "officer",
            "--jurisdiction",
            "tangerangkota.go.id",
            "--agency",
            "dlh",
        ],
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("petugas@kota.test as officer"), "{}", text(&ok.stdout));
    let no_agency = run(
        &d.0,
        &["user", "create", "--email", "x@kota.test", "--role", "officer", "--jurisdiction", "tangerangkota.go.id"],
    );
    assert!(!no_agency.status.success());
    assert!(text(&no_agency.stderr).contains("agency"), "{}", text(&no_agency.stderr));
    let bad_role = run(&d.0, &["user", "create", "--email", "y@kota.test", "--role", "mayor"]);
    assert!(text(&bad_role.stderr).contains("unknown role"));
    let dup = run(
        &d.0,
        &[
            "user",
            "create",
            "--email",
            "petugas@kota.test",
            "--role",
            "operator",
            "--jurisdiction",
            "tangerangkota.go.id",
        ],
    );
    assert!(!dup.status.success() && text(&dup.stderr).contains("exists already"), "{}", text(&dup.stderr));
    let short = run_with_stdin(&d.0, &["user", "set-password", "--email", "petugas@kota.test"], "pendek\n");
    assert!(!short.status.success() && text(&short.stderr).contains("10 characters"), "{}", text(&short.stderr));
    let set =
        run_with_stdin(&d.0, &["user", "set-password", "--email", "petugas@kota.test"], "kata-sandi-yang-panjang\n");
    assert!(set.status.success(), "{}", text(&set.stderr));
    let key = run(
        &d.0,
        &[
            "apikey",
            "create",
            "--jurisdiction",
            "tangerangkota.go.id",
            "--name",
            "Aplikasi lapangan",
            "--user",
            "petugas@kota.test",
        ],
    );
    assert!(key.status.success(), "{}", text(&key.stderr));

    // Holidays: a file with a bad line names the line; a good one is imported.
    let csv = d.0.join("libur.csv");
    std::fs::write(
        &csv,
        "date,kind,name\n2027-01-01,libur_nasional,Tahun Baru 2027 Masehi\n2027-02-30,libur_nasional,Salah\n",
    )
    .unwrap();
    let bad = run(&d.0, &["holidays", "import", csv.to_str().unwrap(), "--jurisdiction", "tangerangkota.go.id"]);
    assert!(!bad.status.success() && text(&bad.stderr).contains("line 3"), "{}", text(&bad.stderr));
    std::fs::write(
        &csv,
        "date,kind,name\n2027-01-01,libur_nasional,Tahun Baru 2027 Masehi\n2027-01-16,libur_nasional,Isra Mikraj\n",
    )
    .unwrap();
    let which = run(&d.0, &["holidays", "import", csv.to_str().unwrap()]);
    assert!(!which.status.success() && text(&which.stderr).contains("--jurisdiction"), "two jurisdictions: say which");
    let good = run(&d.0, &["holidays", "import", csv.to_str().unwrap(), "--jurisdiction", "tangerangkota.go.id"]);
    assert!(good.status.success(), "{}", text(&good.stderr));
    assert!(text(&good.stdout).contains("imported 2 holidays"), "{}", text(&good.stdout));

    // The audit trail verifies; an edit behind the application's back is named.
    let v = run(&d.0, &["verify-audit"]);
    assert!(v.status.success(), "{}", text(&v.stderr));
    assert!(text(&v.stdout).contains("audit trail intact"), "{}", text(&v.stdout));
    let url = format!("sqlite://{}", d.0.join("data/laksana.db").display());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // An open report closed in the table alone: the report, the field and both values are named.
    let raw = |sql: String| {
        rt.block_on(async {
            let db = laksana_store::Db::connect(&url, &laksana_store::DbOptions::default()).await.unwrap();
            let n = laksana_store::testing::execute(&db, &sql).await;
            db.close().await;
            n
        })
    };
    let pick = "(SELECT MIN(id) FROM reports WHERE status = 'in_progress')";
    let public_id = rt.block_on(async {
        let db = laksana_store::Db::connect(&url, &laksana_store::DbOptions::default()).await.unwrap();
        let id = laksana_store::testing::scalar(&db, &format!("SELECT {pick}")).await;
        let item = laksana_store::workflow::load_by_id(&db, id).await.unwrap().unwrap();
        db.close().await;
        item.public_id
    });
    assert_eq!(
        raw(format!("UPDATE reports SET status = 'closed', is_open = FALSE WHERE public_id = '{public_id}'")),
        1
    );
    let v = run(&d.0, &["verify-audit"]);
    assert!(!v.status.success());
    let out = text(&v.stdout);
    assert!(out.contains(&format!("report {public_id}: status is closed but the events say in_progress")), "{out}");
    assert!(text(&v.stderr).contains("BROKEN"), "{}", text(&v.stderr));
    raw(format!("UPDATE reports SET status = 'in_progress', is_open = TRUE WHERE public_id = '{public_id}'"));
    let edited = rt.block_on(async {
        let db = laksana_store::Db::connect(&url, &laksana_store::DbOptions::default()).await.unwrap();
        let n = laksana_store::testing::execute(&db, "UPDATE audit_events SET note = 'x' WHERE id = 42").await;
        db.close().await;
        n
    });
    assert_eq!(edited, 1);
    let v = run(&d.0, &["verify-audit"]);
    assert!(!v.status.success());
    let err = text(&v.stderr);
    assert!(err.contains("BROKEN") && err.contains("event 42"), "{err}");
}
