//! `TestApp::spawn(backend)`: the real router on 127.0.0.1:0 over a fresh database with the demo data,
//! a clock that only moves when a test says so, and an HTTP client.

use std::sync::Arc;

use laksana_core::time::{parse_datetime, ManualClock};
use laksana_core::{Clock, Timestamp};
use laksana_store::testing::TestDb;
use laksana_store::{seed, Backend, Db};
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
    _test_db: TestDb,
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
        };
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let state = AppState::new(db.clone(), clock.clone(), config, Some(recorder.handle())).await.unwrap();
        tokio::spawn(async move { laksana_web::serve(listener, state, std::future::pending()).await });
        TestApp {
            base,
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            db,
            clock,
            _test_db: test_db,
        }
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
