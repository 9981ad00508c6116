//! Configuration: built-in defaults, then `laksana.toml` (or `--config FILE`), then `LAKSANA__…`
//! environment variables (`LAKSANA__SERVER__BIND`, `LAKSANA__DATABASE__URL`, `LAKSANA__DATA_DIR`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    /// Holds the SQLite database (by default) and uploaded media.
    pub data_dir: PathBuf,
    pub log: LogConfig,
    pub mail: MailConfig,
    pub worker: WorkerConfig,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MailConfig {
    /// The From address of notices.
    pub from: String,
    /// `smtp://user:pass@host:587?tls=required` or `smtps://…`; without it, messages are written as
    /// `.eml` files to `{data_dir}/mail` (development).
    pub smtp_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WorkerConfig {
    /// Seconds between deadline ticker passes.
    pub tick_secs: u64,
    /// Let webhooks reach loopback and private addresses (closed networks only).
    pub webhooks_allow_private: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub bind: String,
    /// The URL clients use to reach this server; defaults to `http://{bind}`.
    pub public_url: Option<String>,
    /// Seconds between catalog refreshes, so several instances see an admin's change.
    pub catalog_refresh_secs: u64,
    /// Largest accepted upload in MiB.
    pub max_upload_mib: usize,
    /// Contact line shown by Open311 discovery for jurisdictions that have none of their own.
    pub contact: String,
    /// Mark the session cookie Secure; defaults to whether `public_url` is https.
    pub secure_cookies: Option<bool>,
    /// The bearer token `/metrics` requires; without one only clients on this machine may read it.
    pub metrics_token: Option<String>,
    /// Connections open at once (lowered to leave room under the open-files limit).
    pub max_connections: usize,
    /// Connections open at once from one client address (an IPv6 /64).
    pub max_connections_per_client: usize,
    /// Seconds for a request head to arrive, also between requests on a kept-alive connection.
    pub header_read_timeout_secs: u64,
    /// Submissions one API key may make per minute; 0 for no limit.
    pub intake_per_key_per_minute: u32,
    /// Submissions one client address may make per minute without an API key; 0 for no limit.
    pub intake_per_address_per_minute: u32,
    /// Receipt emails one address may get per hour.
    pub receipts_per_address_per_hour: u32,
    /// Proxies whose `X-Forwarded-For` is believed: addresses or networks separated by commas, e.g.
    /// `10.0.0.0/8, 127.0.0.1` (a string, so one environment variable can hold it).
    pub trusted_proxies: String,
    /// The pages' map tiles: a URL template with `{z}`, `{x}`, `{y}` (and optionally `{s}`).
    pub map_tiles_url: String,
    /// The attribution the tile server requires, shown on every map.
    pub map_tiles_attribution: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseConfig {
    /// `sqlite://path` or `postgres://user:pass@host/db`; defaults to `{data_dir}/laksana.db`.
    pub url: Option<String>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter such as `info` or `laksana=debug,info`; `RUST_LOG` wins when set.
    pub level: String,
}

impl Config {
    /// `server.trusted_proxies`, parsed; a bad entry is an error naming it.
    pub fn trusted_proxies(&self) -> anyhow::Result<Vec<laksana_web::limit::Network>> {
        self.server
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| laksana_web::limit::Network::parse(p).map_err(|e| anyhow::anyhow!("server.trusted_proxies: {e}")))
            .collect()
    }

    /// Loads the configuration; `file` must exist when given, `laksana.toml` is optional.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut b = config::Config::builder()
            .set_default("server.bind", "127.0.0.1:8080")?
            .set_default("server.catalog_refresh_secs", 30)?
            .set_default("server.max_upload_mib", 10)?
            .set_default("server.contact", "")?
            .set_default("server.max_connections", 4096)?
            .set_default("server.max_connections_per_client", 256)?
            .set_default("server.header_read_timeout_secs", 10)?
            .set_default("server.intake_per_key_per_minute", 600)?
            .set_default("server.intake_per_address_per_minute", 30)?
            .set_default("server.receipts_per_address_per_hour", 5)?
            .set_default("server.trusted_proxies", "")?
            .set_default("server.map_tiles_url", laksana_web::state::DEFAULT_TILES_URL)?
            .set_default("server.map_tiles_attribution", laksana_web::state::DEFAULT_TILES_ATTRIBUTION)?
            .set_default("database.max_connections", 16)?
            .set_default("data_dir", "./data")?
            .set_default("log.format", "text")?
            .set_default("log.level", "info")?
            .set_default("mail.from", "Laksana <laksana@localhost>")?
            .set_default("worker.tick_secs", 30)?
            .set_default("worker.webhooks_allow_private", false)?;
        b = match file {
            Some(f) => b.add_source(config::File::from(f).required(true)),
            None => b.add_source(config::File::with_name("laksana.toml").required(false)),
        };
        let cfg = b
            .add_source(config::Environment::with_prefix("LAKSANA").prefix_separator("__").separator("__"))
            .build()
            .context("reading configuration")?;
        let cfg: Config =
            cfg.try_deserialize().context("configuration has a wrong value (see docs/configuration.md)")?;
        if !matches!(cfg.log.format.as_str(), "text" | "json") {
            anyhow::bail!("log.format must be text or json, got {:?}", cfg.log.format);
        }
        Ok(cfg)
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(u) if !u.trim().is_empty() => u.clone(),
            _ => format!("sqlite://{}", self.data_dir.join("laksana.db").display()),
        }
    }

    /// The configured public URL, or one built from the bind address (a wildcard address becomes
    /// localhost, which is only right for a server used on this machine).
    pub fn public_url(&self) -> String {
        match &self.server.public_url {
            Some(u) if !u.trim().is_empty() => u.trim().trim_end_matches('/').to_owned(),
            _ => {
                let bind = self.server.bind.replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]");
                format!("http://{bind}")
            }
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.server.secure_cookies.unwrap_or_else(|| self.public_url().starts_with("https://"))
    }

    /// Where notices go: SMTP when configured, else `.eml` files under the data directory.
    pub fn mail_transport(&self) -> laksana_jobs::MailConfig {
        match &self.mail.smtp_url {
            Some(u) if !u.trim().is_empty() => laksana_jobs::MailConfig::Smtp(u.trim().to_owned()),
            _ => laksana_jobs::MailConfig::Dir(self.data_dir.join("mail")),
        }
    }

    /// The URL with any password replaced, for printing.
    pub fn redacted_database_url(&self) -> String {
        let url = self.database_url();
        match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                    None => url,
                }
            }
            _ => url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_never_printed() {
        let mut c = Config::load(None).unwrap();
        c.database.url = Some("postgres://laksana:s3cret@db.internal/laksana".into());
        assert_eq!(c.redacted_database_url(), "postgres://laksana:***@db.internal/laksana");
        c.database.url = None;
        assert!(c.redacted_database_url().starts_with("sqlite://"));
    }

    #[test]
    fn trusted_proxies_come_as_a_comma_separated_variable() {
        // SAFETY: no other test reads this variable, and std serialises environment access between threads.
        unsafe { std::env::set_var("LAKSANA__SERVER__TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1") };
        let c = Config::load(None).unwrap();
        unsafe { std::env::remove_var("LAKSANA__SERVER__TRUSTED_PROXIES") };
        assert_eq!(c.trusted_proxies().unwrap().len(), 2);
        assert!(Config::load(None).unwrap().trusted_proxies().unwrap().is_empty(), "none by default");
    }
}
