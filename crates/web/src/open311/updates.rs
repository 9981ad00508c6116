//! Open311 `POST servicerequestupdates`: an external system (a field-work app, another government's
//! system) reports progress on a request by api_key. The key must be bound to a staff account; each
//! update becomes the lifecycle action its status names, with the same checks as the JSON API.

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use laksana_core::workflow::{Command, ManualArchive, Text};
use laksana_core::{PublicId, Timestamp};
use laksana_store::workflow;

use super::Params;
use super::intake::form_pairs;
use crate::auth;
use crate::doc::Node;
use crate::error::{Format, Open311Error, Problem};
use crate::state::AppState;

fn problem(format: Format, p: Problem) -> Open311Error {
    Open311Error { status: p.status, description: p.detail, format }
}

/// The action an Open311 (FixMyStreet-style) status stands for; `None`: a public reply.
fn command_for(
    status: &str,
    text: Option<Text>,
    media: Option<String>,
    format: Format,
) -> Result<Option<Command>, Open311Error> {
    let need = |what: &str| Open311Error::bad_request(format, format!("status {status} needs a description ({what})"));
    Ok(Some(match status.trim().to_ascii_lowercase().as_str() {
        "" => return Ok(None),
        "investigating" => {
            Command::RequestInfo { question: text.ok_or_else(|| need("the question for the reporter"))? }
        }
        "action_scheduled" => Command::Verify { agency_id: None, note: text },
        "in_progress" => Command::Plan { plan: text.ok_or_else(|| need("the follow-up plan"))? },
        "fixed" | "closed" => {
            Command::Resolve { evidence: text.ok_or_else(|| need("what was done"))?, photo_url: media }
        }
        "not_councils_responsibility" | "internal_referral" => {
            Command::ForwardNotAuthority { to: text.ok_or_else(|| need("the body it is forwarded to"))? }
        }
        "no_further_action" => Command::Archive { reason: ManualArchive::OutOfScope, note: text },
        "duplicate" => {
            return Err(Open311Error::bad_request(
                format,
                "a duplicate must name its original: use POST /api/v1/reports/{id}/actions with mark_duplicate",
            ));
        }
        "open" => return Err(Open311Error::bad_request(format, "only the reporter may reopen a request")),
        other => return Err(Open311Error::bad_request(format, format!("unknown status {other:?}"))),
    }))
}

pub(super) async fn post(state: &AppState, format: Format, req: Request) -> Result<Response, Open311Error> {
    let body = axum::body::to_bytes(req.into_body(), 256 * 1024)
        .await
        .map_err(|_| Open311Error::bad_request(format, "the body is too large or unreadable"))?;
    let params = Params(form_pairs(&body));
    let key = params.get("api_key").ok_or_else(|| Open311Error::forbidden(format, "api_key is required"))?;
    let caller = auth::key_caller(state, key).await.map_err(|p| problem(format, p))?;
    if caller.principal.user_id.is_none() {
        return Err(Open311Error::forbidden(
            format,
            "this api_key may submit requests but not update them; ask for a key bound to a staff account",
        ));
    }
    let catalog = state.catalog();
    let j = crate::api::jurisdiction_for(&catalog, &caller, params.get("jurisdiction_id"))
        .map_err(|p| problem(format, p))?;
    let id = params
        .get("service_request_id")
        .ok_or_else(|| Open311Error::bad_request(format, "service_request_id is required"))?;
    let pid = PublicId::parse(id)
        .ok_or_else(|| Open311Error::not_found(format, format!("service_request_id {id:?} not found")))?;
    let text = match params.get("description") {
        Some(d) => Some(Text::parse(d).map_err(|e| Open311Error::bad_request(format, format!("description {e}")))?),
        None => None,
    };
    let media = params.get("media_url").map(str::to_owned);
    let cmd = command_for(params.get("status").unwrap_or(""), text.clone(), media, format)?;
    let item = workflow::load(state.db(), j.id(), pid.as_str())
        .await
        .map_err(|e| Open311Error::from_store(format, e))?
        .ok_or_else(|| Open311Error::not_found(format, format!("service_request_id {id:?} not found")))?;
    let headers = HeaderMap::new();
    let version = match cmd {
        Some(cmd) => {
            let expected = item.status().map_err(|e| Open311Error::from_store(format, e))?;
            crate::api::perform(state, j, caller, &headers, pid.as_str(), expected, None, &cmd)
                .await
                .map_err(|p| problem(format, p))?
                .version
        }
        None => {
            let text = text.ok_or_else(|| {
                Open311Error::bad_request(format, "description is required for an update without a status")
            })?;
            crate::api::reply(state, j, caller, pid.as_str(), text.as_str()).await.map_err(|p| problem(format, p))?
        }
    };
    let now = state.clock().now();
    let item = Node::Obj(vec![
        ("update_id", Node::str(format!("{}-{version}", pid.as_str()))),
        ("service_request_id", Node::str(pid.as_str())),
        ("updated_datetime", Node::str(Timestamp::to_rfc3339_in(now, j.tz))),
    ]);
    Ok(format.render(StatusCode::OK, "service_request_updates", &Node::List("request_update", vec![item])))
}
