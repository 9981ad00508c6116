//! Changing a jurisdiction's catalog (its settings, agencies, services and districts), for every
//! transport. Each change is an edit of the jurisdiction's region pack: the catalog is read as a pack,
//! the edit applied, the whole pack checked by the same rules as `laksana region import`, and the
//! differences written in one transaction, each on the audit trail. So the admin pages, the API and a
//! pack file can never disagree about what a valid catalog is.

use laksana_core::region::{self, JurisdictionDef, Pack, Problem};
use laksana_store::region::{self as packs, ImportSummary};

use super::{Caller, ServiceError, ServiceResult};
use crate::state::AppState;

/// What an edit did: the import's summary, or the problems that refused it (nothing written).
pub type Edited = Result<ImportSummary, Vec<Problem>>;

/// Applies `edit` to the catalog of `jurisdiction_id` as `caller` (whose right to configure it the
/// transport checked), in one transaction with the catalog it reads (see `laksana_store::region::edit`),
/// then reloads this instance's catalog.
pub async fn edit(
    state: &AppState,
    caller: &Caller,
    jurisdiction_id: &str,
    edit: impl FnOnce(&mut Pack) -> Result<(), Vec<Problem>>,
) -> ServiceResult<Edited> {
    match packs::edit(state.db(), jurisdiction_id, &caller.actor, state.clock().now(), edit).await? {
        packs::Edit::NotFound => Err(ServiceError::NotFound(format!("no jurisdiction {jurisdiction_id:?}"))),
        packs::Edit::Refused(problems) => Ok(Err(problems)),
        packs::Edit::Done(done) => {
            state.reload_catalog().await?;
            Ok(Ok(done))
        }
    }
}

/// Creates a jurisdiction (deployment admins only) with the national deadlines and holidays of the
/// shipped calendar; its agencies, services and districts come next, by pack or one by one.
pub async fn create_jurisdiction(state: &AppState, caller: &Caller, j: JurisdictionDef) -> ServiceResult<Edited> {
    if !caller.principal.is_deployment_admin() {
        return Err(ServiceError::Forbidden("only an admin of the whole deployment may create a jurisdiction".into()));
    }
    if laksana_store::catalog::jurisdiction(state.db(), &j.id).await?.is_some() {
        return Err(ServiceError::Conflict(format!("jurisdiction {} exists already", j.id)));
    }
    let holidays = laksana_store::seed::national_holidays()
        .iter()
        .filter_map(|h| laksana_core::limits::Holiday::parse(&h.day, &h.kind, &h.name).ok())
        .collect();
    let pack = Pack {
        region: region::RegionFile {
            format: region::FORMAT,
            jurisdiction: j,
            agencies: Vec::new(),
            services: Vec::new(),
        },
        districts: Vec::new(),
        holidays,
        warnings: Vec::new(),
    };
    apply(state, caller, pack, true).await
}

async fn apply(state: &AppState, caller: &Caller, pack: Pack, holidays: bool) -> ServiceResult<Edited> {
    let problems = region::check(&pack.region);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let done = packs::import(state.db(), &pack, holidays, &caller.actor, state.clock().now()).await?;
    state.reload_catalog().await?;
    Ok(Ok(done))
}
