//! `TestApp::spawn(backend)`: the real router on 127.0.0.1:0 over a fresh database with the demo data,
//! a clock that only moves when a test says so, and an HTTP client.

use std::sync::Arc;

use laksana_core::time::{ManualClock, parse_datetime};
use laksana_core::{Clock, Timestamp};
use laksana_store::testing::TestDb;
use laksana_store::{Backend, Db, seed};
use laksana_web::{AppState, WebConfig};

pub const TNG: &str = "tangerangkota.go.id";
pub const KEY: &str = seed::DEMO_API_KEY;

/// Saturday 28 November 2026, 10:00 in Jakarta: the demo data's "now".
pub fn demo_now() -> Timestamp {
    parse_datetime("2026-11-28T10:00:00+07:00", chrono_tz::Asia::Jakarta).unwrap()
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    pub worker: laksana_jobs::Worker,
    pub ticker: laksana_jobs::Ticker,
    /// Set by a test whose jobs are meant to fail (an unreachable webhook): the check on drop is off.
    pub jobs_may_fail: std::sync::atomic::AtomicBool,
    _test_db: TestDb,
}

/// When a test ends, every job it queued runs, and none may fail: a notice that cannot be sent or a
/// thumbnail that cannot be made is a bug even when the HTTP answer was right.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() || self.jobs_may_fail.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        let (waiting, dead) = tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(async {
                self.worker.drain().await.expect("running the queued jobs");
                laksana_store::jobs::counts(&self.db).await.expect("counting the jobs")
            })
        });
        assert_eq!(
            (waiting, dead),
            (0, 0),
            "jobs left waiting or dead after the test (set jobs_may_fail for a test that makes them fail)"
        );
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let test_db = TestDb::new(backend).await;
        let db = test_db.db.clone();
        let clock = Arc::new(ManualClock::new(demo_now()));
        seed::demo(&db, clock.now()).await.expect("seeding the demo");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let config = WebConfig {
            media_dir: test_db.dir.path().join("media"),
            max_upload_bytes: 2 * 1024 * 1024,
            contact: "Test".into(),
            public_url: base.clone(),
            secure_cookies: false,
            metrics_token: None,
            // Low enough that a test can reach it, above what any other test submits.
            intake_per_key_per_minute: 150,
            // Low enough that a test can reach it; tests submit with keys, which do not count here.
            intake_per_address_per_minute: 20,
            receipts_per_address_per_hour: 5,
            trusted_proxies: Vec::new(),
            ..WebConfig::default()
        };
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let state = AppState::new(db.clone(), clock.clone(), config, Some(recorder.handle())).await.unwrap();
        tokio::spawn(async move { laksana_web::serve(listener, state, std::future::pending()).await });
        let wc = laksana_jobs::WorkerConfig {
            media_dir: test_db.dir.path().join("media"),
            mail: laksana_jobs::MailConfig::Dir(test_db.dir.path().join("mail")),
            mail_from: "Laksana <laksana@test.invalid>".into(),
            public_url: base.clone(),
            // The tests' webhook receivers listen on loopback.
            webhooks_allow_private: true,
        };
        let dyn_clock: Arc<dyn laksana_core::Clock> = clock.clone();
        let worker = laksana_jobs::Worker::new(db.clone(), dyn_clock.clone(), &wc).unwrap();
        let ticker = laksana_jobs::Ticker::new(db.clone(), dyn_clock, base.clone());
        TestApp {
            base,
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            db,
            clock,
            worker,
            ticker,
            jobs_may_fail: Default::default(),
            _test_db: test_db,
        }
    }

    pub fn mail_dir(&self) -> std::path::PathBuf {
        self._test_db.dir.path().join("mail")
    }

    /// Every email sent so far (after running the queued jobs): (recipients line, whole message).
    pub async fn mails(&self) -> Vec<(String, String)> {
        self.worker.drain().await.unwrap();
        let Ok(dir) = std::fs::read_dir(self.mail_dir()) else { return Vec::new() };
        let mut out = Vec::new();
        for e in dir {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "eml") {
                let text = std::fs::read_to_string(&path).unwrap();
                let to =
                    text.lines().find(|l| l.starts_with("To: ")).unwrap_or("").trim_start_matches("To: ").to_owned();
                out.push((to, text));
            }
        }
        out
    }

    /// Creates a staff account with one role and an API key bound to it; returns the key.
    pub async fn staff(&self, email: &str, role: laksana_core::access::Role, agency: Option<&str>) -> String {
        use laksana_store::{apikeys, catalog, users};
        let j = "tangerangkota.go.id";
        let agency_id = match agency {
            Some(code) => {
                Some(catalog::agencies(&self.db, j).await.unwrap().into_iter().find(|a| a.code == code).unwrap().id)
            }
            None => None,
        };
        let now = self.clock.now();
        let user = users::create(
            &self.db,
            &users::NewUser { email: email.into(), display_name: email.into(), language: "id".into(), password: None },
            "test",
            now,
        )
        .await
        .unwrap();
        let grant = laksana_core::access::Grant::new(role, Some(j.into()), agency_id).unwrap();
        users::grant(&self.db, user.id, &grant, "test", now).await.unwrap();
        apikeys::create(&self.db, j, email, Some(user.id), "test", now.as_micros()).await.unwrap().1
    }

    /// The id of an agency of the demo city, by code.
    pub async fn agency(&self, code: &str) -> i64 {
        laksana_store::catalog::agencies(&self.db, "tangerangkota.go.id")
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.code == code)
            .unwrap()
            .id
    }

    /// A request with an optional bearer key and optional follow-up code.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        code: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.client.request(method.parse().unwrap(), self.url(path));
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        if let Some(c) = code {
            req = req.header("x-follow-up-code", c);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    /// Takes an action on a report as `key`; returns (status, body).
    pub async fn act(
        &self,
        key: Option<&str>,
        code: Option<&str>,
        id: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.call("POST", &format!("/api/v1/reports/{id}/actions"), key, code, Some(body)).await
    }

    /// Submits a report through the JSON API with the demo key; returns (public id, follow-up code).
    pub async fn report(&self, service: &str, privacy: &str, email: Option<&str>) -> (String, String) {
        let mut body = serde_json::json!({
            "service_code": service, "description": "Lampu jalan mati sejak seminggu", "lat": -6.1783, "long": 106.6319,
            "privacy": privacy, "reporter": {"first_name": "Siti", "last_name": "Rahmawati", "phone": "081234567890"}
        });
        if let Some(e) = email {
            body["reporter"]["email"] = e.into();
        }
        let (status, v) =
            self.call("POST", "/api/v1/reports", Some(laksana_store::seed::DEMO_API_KEY), None, Some(body)).await;
        assert_eq!(status, 201, "{v}");
        (v["id"].as_str().unwrap().to_owned(), v["follow_up_code"].as_str().unwrap().to_owned())
    }

    pub fn media_dir(&self) -> std::path::PathBuf {
        self._test_db.dir.path().join("media")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// GET and return (status, content type, body).
    pub async fn get_text(&self, path: &str) -> (u16, String, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (status, ct, res.text().await.unwrap())
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.json().await.unwrap())
    }

    /// POSTs `body` as JSON text to `/api/v1/reports` with an optional bearer key, as sent (it may be
    /// no valid JSON at all): what a client that never gets past its key looks like.
    pub async fn submit_raw(&self, key: Option<&str>, body: &'static str) -> reqwest::Response {
        let mut req = self.client.post(self.url("/api/v1/reports")).header("content-type", "application/json");
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        req.body(body).send().await.unwrap()
    }

    /// POST a form to an Open311 resource and return (status, JSON body).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, serde_json::Value) {
        let res = self.client.post(self.url(path)).form(form).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap())
    }
}

/// The Open311 error description of a JSON error body.
pub fn error_description(body: &serde_json::Value) -> String {
    body[0]["description"].as_str().unwrap_or_else(|| panic!("not an Open311 error body: {body}")).to_owned()
}

/// Runs a test body once on SQLite and once on PostgreSQL, as `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        laksana_store::both_backends!($name, |backend| {
            let $app = $crate::helpers::TestApp::spawn(backend).await;
            $body
        });
    };
}
