//! Administration from the command line: accounts, holidays, the audit trail.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{Context, bail};
use clap::Subcommand;
use laksana_core::Clock;
use laksana_core::access::{Grant, Role};
use laksana_core::time::SystemClock;
use laksana_store::{Db, audit, catalog, seed, users};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account with one role. Set its password afterwards with `user set-password`.
    Create {
        #[arg(long)]
        email: String,
        /// citizen, operator, officer, agency_head, leader, ombudsman or admin.
        #[arg(long)]
        role: String,
        /// The jurisdiction the role holds in (every role but a deployment-wide admin needs one).
        #[arg(long)]
        jurisdiction: Option<String>,
        /// For officer and agency_head: the agency's code (e.g. DPUPR) or id.
        #[arg(long)]
        agency: Option<String>,
        /// The name shown to colleagues.
        #[arg(long, default_value = "")]
        name: String,
        /// id (default) or en: the language of the account's notices.
        #[arg(long, default_value = "id")]
        language: String,
    },
    /// Set an account's password: typed at a prompt, or read as one line from standard input.
    SetPassword {
        #[arg(long)]
        email: String,
    },
    /// Give an existing account another role.
    Grant {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        jurisdiction: Option<String>,
        #[arg(long)]
        agency: Option<String>,
    },
    /// Remove a role from an account (for every agency it held it for).
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        /// The jurisdiction the role holds in; leave out for a deployment-wide admin.
        #[arg(long)]
        jurisdiction: Option<String>,
    },
    /// Disable an account: it cannot sign in, its sessions end and its API keys stop working at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[arg(long)]
        email: String,
    },
}

async fn grant_for(db: &Db, role: &str, jurisdiction: Option<String>, agency: Option<String>) -> anyhow::Result<Grant> {
    let role = Role::parse(role).with_context(|| {
        format!(
            "unknown role {role:?}; one of: {}",
            Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
        )
    })?;
    if let Some(j) = &jurisdiction
        && catalog::jurisdiction(db, j).await?.is_none()
    {
        bail!("no jurisdiction {j:?}");
    }
    let agency_id = match (&agency, &jurisdiction) {
        (None, _) => None,
        (Some(_), None) => bail!("--agency needs --jurisdiction"),
        (Some(a), Some(j)) => {
            let all = catalog::agencies(db, j).await?;
            let found = all.iter().find(|x| x.code.eq_ignore_ascii_case(a) || x.id.to_string() == *a);
            Some(
                found
                    .with_context(|| {
                        format!(
                            "no agency {a:?} in {j}; the agencies: {}",
                            all.iter().map(|x| x.code.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    })?
                    .id,
            )
        }
    };
    Ok(Grant::new(role, jurisdiction, agency_id)?)
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password("New password: ")?;
        let b = rpassword::prompt_password("Again: ")?;
        if a != b {
            bail!("the two passwords differ; nothing was changed");
        }
        Ok(a)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// How an act at the command line is named in the audit trail: `cli`, with the system user who ran it.
pub fn cli_actor() -> String {
    match std::env::var("USER").ok().filter(|u| !u.is_empty() && u.len() <= 64) {
        Some(user) => format!("cli:{user}"),
        None => "cli".into(),
    }
}

pub async fn user(db: &Db, command: UserCommand) -> anyhow::Result<()> {
    let now = SystemClock.now();
    match command {
        UserCommand::Create { email, role, jurisdiction, agency, name, language } => {
            let grant = grant_for(db, &role, jurisdiction, agency).await?;
            let new = users::NewUser { email, display_name: name, language, password: None };
            let user = users::create_with_grant(db, &new, &grant, &cli_actor(), now).await?;
            say!("created user #{} {} as {}", user.id, user.email, grant.role);
            eprintln!("Set a password with: laksana user set-password --email {}", user.email);
        }
        UserCommand::SetPassword { email } => {
            if users::find_by_email(db, &email).await?.is_none() {
                bail!("no account with email {email:?}");
            }
            let password = read_password()?;
            users::set_password(db, &email, &password, &cli_actor(), now).await?;
            say!("password set for {email}; its sessions were ended");
        }
        UserCommand::Grant { email, role, jurisdiction, agency } => {
            let user =
                users::find_by_email(db, &email).await?.with_context(|| format!("no account with email {email:?}"))?;
            let grant = grant_for(db, &role, jurisdiction, agency).await?;
            users::grant(db, user.id, &grant, &cli_actor(), now).await?;
            say!("{} is now also {}", user.email, grant.role);
        }
        UserCommand::Revoke { email, role, jurisdiction } => {
            let user =
                users::find_by_email(db, &email).await?.with_context(|| format!("no account with email {email:?}"))?;
            let role = Role::parse(&role).with_context(|| format!("unknown role {role:?}"))?;
            let n = users::revoke_grant(db, user.id, role, jurisdiction.as_deref(), &cli_actor(), now).await?;
            let scope = jurisdiction.map(|j| format!(" in {j}")).unwrap_or_default();
            if n == 0 {
                bail!("{email} has no {role} role{scope}");
            }
            say!("{email} is no longer {role}{scope}");
        }
        UserCommand::Disable { email } => {
            not_found_as(users::set_disabled(db, &email, true, &cli_actor(), now).await, &email)?;
            say!("{email} is disabled: its sessions have ended and its API keys no longer work");
        }
        UserCommand::Enable { email } => {
            not_found_as(users::set_disabled(db, &email, false, &cli_actor(), now).await, &email)?;
            say!("{email} is enabled again");
        }
    }
    Ok(())
}

fn not_found_as<T>(r: Result<T, laksana_store::StoreError>, email: &str) -> anyhow::Result<T> {
    match r {
        Err(laksana_store::StoreError::NotFound) => bail!("no account with email {email:?}"),
        other => Ok(other?),
    }
}

/// `laksana apikey list` and `revoke`.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// List a jurisdiction's keys (their ids, names and first characters; never the keys).
    List {
        /// Leave out when the deployment has one jurisdiction.
        #[arg(long)]
        jurisdiction: Option<String>,
    },
    /// Revoke a key by its id (see `apikey list`). A running server refuses it within a minute.
    Revoke { id: i64 },
}

pub async fn keys(db: &Db, command: KeyCommand) -> anyhow::Result<()> {
    match command {
        KeyCommand::List { jurisdiction } => {
            let j = match jurisdiction {
                Some(j) => j,
                None => match catalog::jurisdictions(db).await?.as_slice() {
                    [one] => one.id.clone(),
                    _ => bail!("name the jurisdiction with --jurisdiction"),
                },
            };
            if catalog::jurisdiction(db, &j).await?.is_none() {
                bail!("no jurisdiction {j:?}");
            }
            let list = laksana_store::apikeys::list(db, &j).await?;
            if list.is_empty() {
                say!("{j} has no API keys; create one with laksana apikey create");
            }
            for k in list {
                let state = match k.revoked_at {
                    Some(at) => format!(
                        "revoked {}",
                        laksana_core::Timestamp::from_micros(at).to_utc().format("%Y-%m-%d %H:%M UTC")
                    ),
                    None => "active".into(),
                };
                let user = k.user_id.map(|u| format!(" (acts as user #{u})")).unwrap_or_default();
                say!("#{:<5} {}…  {:<10} {}{user}", k.id, k.prefix, state, k.name);
            }
        }
        KeyCommand::Revoke { id } => {
            match laksana_store::apikeys::revoke(db, None, id, &cli_actor(), SystemClock.now().as_micros()).await {
                Err(laksana_store::StoreError::NotFound) => bail!("no API key #{id}; see laksana apikey list"),
                r => {
                    let j = r?;
                    say!("API key #{id} of {j} is revoked; running servers refuse it within a minute");
                }
            }
        }
    }
    Ok(())
}

/// Adds (or renames) the holidays in a `date,kind,name` CSV file to a jurisdiction's calendar.
pub async fn import_holidays(db: &Db, file: &Path, jurisdiction: &str) -> anyhow::Result<()> {
    if catalog::jurisdiction(db, jurisdiction).await?.is_none() {
        bail!("no jurisdiction {jurisdiction:?}");
    }
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let list = seed::parse_holidays_csv(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if list.is_empty() {
        bail!("{} has no holidays (expected a header line `date,kind,name` and one line per day)", file.display());
    }
    let n = catalog::change_holidays(db, jurisdiction, &list, &[], &cli_actor(), SystemClock.now().as_micros()).await?;
    let (first, last) = (&list[0].day, &list[list.len() - 1].day);
    say!("imported {n} holidays ({first} … {last}) into {jurisdiction}; deadlines computed from now on use them");
    Ok(())
}

/// Recomputes the audit chains and checks every report against its events; an error (and a non-zero
/// exit) names the first broken event and every report whose row is not what its events say.
pub async fn verify_audit(db: &Db) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let v = audit::verify(db).await?;
    let took = started.elapsed().as_secs_f64();
    if v.unsealed > 0 {
        say!(
            "{} events are not sealed yet (a sealer runs in `serve` and `worker`; they are sealed within a second)",
            v.unsealed
        );
    }
    for m in &v.mismatches {
        say!("MISMATCH {m}");
    }
    if v.mismatch_count > v.mismatches.len() as u64 {
        say!("… and {} more mismatches", v.mismatch_count - v.mismatches.len() as u64);
    }
    if let Some(b) = &v.broken {
        bail!("audit trail BROKEN after {} good events: {b}", v.events);
    }
    if v.mismatch_count > 0 {
        bail!(
            "audit trail BROKEN: {} report field(s) differ from what their events say (checked {} reports)",
            v.mismatch_count,
            v.reports
        );
    }
    say!(
        "audit trail intact: {} events in {} jurisdictions; {} reports match their events ({took:.1} s)",
        v.events,
        v.jurisdictions,
        v.reports
    );
    Ok(())
}
