//! docs/onboarding.md, step by step: from an empty data directory to the first Open311 report of a
//! new city, with the example pack of Kota Bogor, through the binary as an operator runs it.

use std::path::PathBuf;

mod common;
use common::*;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/regions").join(name)
}

#[test]
fn a_new_city_from_an_empty_database_to_its_first_report() {
    let d = Dir::new("onboarding");
    let bogor = example("kota-bogor");
    let bogor = bogor.to_str().unwrap();
    assert!(run(&d.0, &["migrate"]).status.success());

    // Step 2: a broken pack is refused whole, naming each problem; nothing is written.
    let broken = d.0.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    for f in ["region.toml", "districts.geojson", "holidays.csv"] {
        std::fs::copy(example("kota-bogor").join(f), broken.join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(broken.join("region.toml")).unwrap();
    std::fs::write(broken.join("region.toml"), toml.replacen("agency = \"DISHUB\"", "agency = \"DISHUBB\"", 1))
        .unwrap();
    let geo = std::fs::read_to_string(broken.join("districts.geojson")).unwrap();
    std::fs::write(
        broken.join("districts.geojson"),
        geo.replacen("\"name\": \"Bogor Utara\"", "\"nama\": \"Bogor Utara\"", 1),
    )
    .unwrap();
    let out = run(&d.0, &["region", "import", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("region.toml: [[service]] 3 (pju-mati): agency: no [[agency]] has the code \"DISHUBB\""),
        "{err}"
    );
    assert!(err.contains("districts.geojson: feature 3 (32.71.03): properties.name: is missing"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    let none = run(&d.0, &["region", "export", "kotabogor.go.id", d.0.join("out").to_str().unwrap()]);
    assert!(!none.status.success() && text(&none.stderr).contains("no jurisdiction"), "nothing was written");

    // The good pack: checked, imported, and imported again without change.
    let check = run(&d.0, &["region", "import", "--check", bogor]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    assert!(
        text(&check.stdout)
            .contains("valid pack for Kota Bogor (kotabogor.go.id): 13 agencies, 14 services, 6 districts")
    );
    let import = run(&d.0, &["region", "import", bogor]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    assert!(text(&import.stdout).contains("jurisdiction created, 33 created"), "{}", text(&import.stdout));
    let again = run(&d.0, &["region", "import", bogor]);
    assert!(text(&again.stdout).contains("nothing changed"), "{}", text(&again.stdout));

    // Step 3: the first people.
    for (email, role, agency) in [
        ("admin@kotabogor.go.id", "admin", None),
        ("operator@kotabogor.go.id", "operator", None),
        ("pupr@kotabogor.go.id", "officer", Some("DPUPR")),
    ] {
        let mut args = vec!["user", "create", "--email", email, "--role", role, "--jurisdiction", "kotabogor.go.id"];
        if let Some(a) = agency {
            args.extend(["--agency", a]);
        }
        let out = run(&d.0, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let password = "sandi-operator-bogor";
    let set = run_with_stdin(
        &d.0,
        &["user", "set-password", "--email", "operator@kotabogor.go.id"],
        &format!("{password}\n"),
    );
    assert!(set.status.success(), "{}", text(&set.stderr));

    // Step 4: an Open311 key.
    let key = run(&d.0, &["apikey", "create", "--jurisdiction", "kotabogor.go.id", "--name", "Aplikasi warga"]);
    let key = text(&key.stdout).trim().strip_prefix("api_key: ").expect("the key is printed").to_owned();

    // Step 5: serve, and the first report.
    let (mut server, addr) = start_server(&d.0, &["serve"]);
    let body = format!(
        "api_key={key}&service_code=jalan-rusak&attribute%5Btingkat_kerusakan%5D=berat&lat=-6.595&long=106.795&description=Lubang+besar+di+depan+pasar"
    );
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let (status, _, created) = http(&addr, "POST", "/open311/v2/requests.json", &form, &body);
    assert_eq!(status, 201, "{created}");
    let id = created.split("\"service_request_id\":\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let (_, _, listed) =
        http(&addr, "GET", &format!("/open311/v2/requests/{id}.json?jurisdiction_id=kotabogor.go.id"), &[], "");
    assert!(listed.contains("Lubang besar di depan pasar"), "{listed}");
    // The operator signs in and finds it in the queue, in the district its pin falls in.
    let sign_in = format!("email=operator%40kotabogor.go.id&password={password}");
    let origin = format!("http://{addr}");
    let (status, head, _) = http(&addr, "POST", "/masuk", &[form[0], ("Origin", origin.as_str())], &sign_in);
    assert_eq!(status, 303, "{head}");
    let cookie =
        head.lines().find_map(|l| l.strip_prefix("set-cookie: ")).unwrap().split(';').next().unwrap().to_owned();
    let (status, _, queue) = http(&addr, "GET", "/staf/kotabogor.go.id", &[("Cookie", cookie.as_str())], "");
    assert_eq!(status, 200);
    assert!(queue.contains(&id) && queue.contains("Bogor Tengah"), "{queue}");
    let _ = server.kill();
    let _ = server.wait();
}
