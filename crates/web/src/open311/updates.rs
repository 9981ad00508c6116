//! Open311 `POST servicerequestupdates`: an external system (a field-work app, another government's
//! system) reports progress on a request by api_key. The key must be bound to a staff account; each
//! update becomes the lifecycle action its status names, with the same checks as the JSON API.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;
use laksana_core::Timestamp;
use laksana_core::access::Operation;
use laksana_core::workflow::{Command, ManualArchive, Text};

use super::Params;
use super::intake::form_pairs;
use crate::doc::Node;
use crate::error::{Format, Open311Error};
use crate::service::actions::{self, Expected};
use crate::service::{ServiceError, caller, jurisdiction, reports};
use crate::state::AppState;

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
    let err = |e: ServiceError| Open311Error::from_service(format, e);
    let body = axum::body::to_bytes(req.into_body(), 256 * 1024)
        .await
        .map_err(|_| Open311Error::bad_request(format, "the body is too large or unreadable"))?;
    let params = Params(form_pairs(&body));
    let key = params.get("api_key").ok_or_else(|| Open311Error::forbidden(format, "api_key is required"))?;
    let caller = caller::key_caller(state, key).await.map_err(err)?;
    if caller.principal.user_id.is_none() {
        return Err(Open311Error::forbidden(
            format,
            "this api_key may submit requests but not update them; ask for a key bound to a staff account",
        ));
    }
    let j = jurisdiction::for_caller(state, &caller, params.get("jurisdiction_id")).map_err(err)?;
    let id = params
        .get("service_request_id")
        .ok_or_else(|| Open311Error::bad_request(format, "service_request_id is required"))?;
    let text = match params.get("description") {
        Some(d) => Some(Text::parse(d).map_err(|e| Open311Error::bad_request(format, format!("description {e}")))?),
        None => None,
    };
    let media = params.get("media_url").map(str::to_owned);
    let cmd = command_for(params.get("status").unwrap_or(""), text.clone(), media, format)?;
    let acted = match cmd {
        Some(cmd) => {
            // An update names no state it expects: it applies to the report as it is now, and a
            // concurrent change between reading and writing is still a conflict.
            let l = reports::load(state, &j, caller.clone(), None, id, |_| Operation::Read).await.map_err(err)?;
            let expected = Expected { status: l.item.status, version: Some(l.item.version) };
            actions::perform(state, &j, caller, None, id, expected, &cmd).await.map_err(err)?
        }
        None => {
            let text = text.ok_or_else(|| {
                Open311Error::bad_request(format, "description is required for an update without a status")
            })?;
            actions::reply(state, &j, caller, id, &text).await.map_err(err)?
        }
    };
    let now = state.clock().now();
    let item = Node::Obj(vec![
        ("update_id", Node::str(format!("{}-{}", acted.id, acted.version))),
        ("service_request_id", Node::str(acted.id.as_str())),
        ("updated_datetime", Node::str(Timestamp::to_rfc3339_in(now, j.tz))),
    ]);
    Ok(format.render(StatusCode::OK, "service_request_updates", &Node::List("request_update", vec![item])))
}
