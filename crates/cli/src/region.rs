//! `laksana region`: a jurisdiction's catalog to and from a region pack folder.

use std::path::PathBuf;

use anyhow::bail;
use clap::Subcommand;
use laksana_core::Clock;
use laksana_core::time::SystemClock;
use laksana_store::{Db, region};

#[derive(Debug, Subcommand)]
pub enum RegionCommand {
    /// Write jurisdiction JURISDICTION's catalog (region.toml, districts.geojson, holidays.csv) to DIR.
    Export { jurisdiction: String, dir: PathBuf },
    /// Read the pack in DIR, check all of it, and apply it in one transaction (nothing is written when
    /// anything is wrong). Importing the same pack again changes nothing.
    Import {
        dir: PathBuf,
        /// Only check the pack; write nothing.
        #[arg(long)]
        check: bool,
    },
}

pub async fn run(db: &Db, command: RegionCommand) -> anyhow::Result<()> {
    match command {
        RegionCommand::Export { jurisdiction, dir } => {
            let Some(pack) = region::export(db, &jurisdiction).await? else {
                bail!("no jurisdiction {jurisdiction:?}");
            };
            region::write_dir(&dir, &pack)?;
            say!("wrote the region pack of {jurisdiction} to {}", dir.display());
            Ok(())
        }
        RegionCommand::Import { dir, .. } => {
            let (pack, has_holidays) = check(&dir)?;
            let j = &pack.region.jurisdiction;
            let done = region::import(db, &pack, has_holidays, &crate::admin::cli_actor(), SystemClock.now()).await?;
            if done.is_empty() {
                say!("{} ({}) is already as the pack says: nothing changed", j.name, j.id);
            } else {
                say!(
                    "{} ({}): jurisdiction {}, {} created, {} changed, {} unchanged, holidays +{} -{}",
                    j.name,
                    j.id,
                    done.jurisdiction.unwrap_or("unchanged"),
                    done.created.len(),
                    done.changed.len(),
                    done.unchanged,
                    done.holidays_added,
                    done.holidays_removed
                );
                for c in done.created.iter() {
                    say!("  created {c}");
                }
                for c in done.changed.iter() {
                    say!("  changed {c}");
                }
            }
            Ok(())
        }
    }
}

/// Reads and checks the pack in `dir`, printing every problem and warning: the pack, or an error that
/// says nothing was written.
pub fn check(dir: &std::path::Path) -> anyhow::Result<(laksana_core::region::Pack, bool)> {
    let (pack, has_holidays) = match region::read_dir(dir) {
        Ok(p) => p,
        Err(problems) => {
            for p in &problems {
                eprintln!("error: {p}");
            }
            bail!("{} problem(s) in {}; nothing was written", problems.len(), dir.display());
        }
    };
    for w in &pack.warnings {
        eprintln!("warning: {w}");
    }
    let j = &pack.region.jurisdiction;
    say!(
        "{} is a valid pack for {} ({}): {} agencies, {} services, {} districts, {} holidays",
        dir.display(),
        j.name,
        j.id,
        pack.region.agencies.len(),
        pack.region.services.len(),
        pack.districts.len(),
        pack.holidays.len()
    );
    Ok((pack, has_holidays))
}
