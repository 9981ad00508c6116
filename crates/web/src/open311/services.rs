//! Discovery, the service list and service definitions.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use laksana_core::open311::SPECIFICATION;
use laksana_store::catalog::Service;

use super::{Params, jurisdiction, split_format};
use crate::doc::Node;
use crate::error::{Format, Open311Error};
use crate::state::AppState;

/// The date of the last change to what this server's Open311 interface offers.
const CHANGESET: &str = "2026-11-28T00:00:00+07:00";

/// The discovery document. With `jurisdiction_id`, or on a server of one jurisdiction, it is that
/// jurisdiction's; without it on a server of several, it is the server's, listing the jurisdictions
/// it serves (GeoReport v2 discovery takes no parameters, and clients and validators start there).
pub(super) fn discovery(state: &AppState, format: Format, params: &Params) -> Result<Response, Open311Error> {
    let catalog = state.catalog();
    let named = params.get("jurisdiction_id").is_some_and(|j| !j.trim().is_empty());
    let (contact, key_service, served) = if named || catalog.jurisdictions.len() == 1 {
        let j = jurisdiction(&catalog, format, params)?;
        let contact = if j.jurisdiction.contact.is_empty() {
            state.config().contact.clone()
        } else {
            j.jurisdiction.contact.clone()
        };
        let key_service = if j.jurisdiction.key_service.is_empty() {
            format!("API keys for {} are issued by its administrator{}", j.jurisdiction.name, reach(&contact))
        } else {
            j.jurisdiction.key_service.clone()
        };
        (contact, key_service, None)
    } else {
        let contact = state.config().contact.clone();
        let key_service = format!("API keys are issued by each jurisdiction's administrator{}", reach(&contact));
        let served = catalog
            .jurisdictions
            .iter()
            .map(|j| Node::Obj(vec![("jurisdiction_id", Node::str(j.id())), ("name", Node::str(&j.jurisdiction.name))]))
            .collect();
        (contact, key_service, Some(Node::List("jurisdiction", served)))
    };
    let endpoint = Node::Obj(vec![
        ("specification", Node::str(SPECIFICATION)),
        ("url", Node::str(format!("{}/open311/v2", state.config().public_url.trim_end_matches('/')))),
        ("changeset", Node::str(CHANGESET)),
        ("type", Node::str("production")),
        ("formats", Node::List("format", vec![Node::str("text/xml"), Node::str("application/json")])),
    ]);
    let mut doc = vec![
        ("changeset", Node::str(CHANGESET)),
        ("contact", Node::str(contact)),
        ("key_service", Node::str(key_service)),
        ("endpoints", Node::List("endpoint", vec![endpoint])),
    ];
    // An extension element: clients that do not know it skip it.
    if let Some(served) = served {
        doc.push(("jurisdictions", served));
    }
    Ok(format.render(StatusCode::OK, "discovery", &Node::Obj(doc)))
}

/// ": CONTACT", or "." when there is no contact line.
fn reach(contact: &str) -> String {
    if contact.trim().is_empty() { ".".to_owned() } else { format!(": {contact}") }
}

/// Services a citizen or client may report to: active ones, staff-only categories left out.
fn public_services(services: &[Service]) -> impl Iterator<Item = &Service> {
    services.iter().filter(|s| s.active && !s.staff)
}

pub(super) fn list(state: &AppState, format: Format, params: &Params) -> Result<Response, Open311Error> {
    let catalog = state.catalog();
    let j = jurisdiction(&catalog, format, params)?;
    let items = public_services(&j.services)
        .map(|s| {
            Node::Obj(vec![
                ("service_code", Node::str(&s.code)),
                ("service_name", Node::str(&s.name)),
                ("description", Node::str(&s.description)),
                ("metadata", Node::Bool(s.attributes.iter().any(|a| a.variable))),
                ("type", Node::str("realtime")),
                ("keywords", Node::str(s.keywords.join(","))),
                ("group", Node::str(&s.group)),
            ])
        })
        .collect();
    Ok(format.render(StatusCode::OK, "services", &Node::List("service", items)))
}

pub(crate) async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let run = || -> Result<Response, Open311Error> {
        let (code, format) = split_format(&file)?;
        let params = Params::parse(query.as_deref().unwrap_or(""));
        let catalog = state.catalog();
        let j = jurisdiction(&catalog, format, &params)?;
        let s = public_services(&j.services)
            .find(|s| s.code == code)
            .ok_or_else(|| Open311Error::not_found(format, format!("service_code {code:?} not found")))?;
        let mut attrs: Vec<_> = s.attributes.iter().collect();
        attrs.sort_by_key(|a| a.order);
        let attributes = attrs
            .into_iter()
            .map(|a| {
                let mut fields = vec![
                    ("variable", Node::Bool(a.variable)),
                    ("code", Node::str(&a.code)),
                    ("datatype", Node::str(a.datatype.as_str())),
                    ("required", Node::Bool(a.required)),
                    ("datatype_description", Node::str(&a.datatype_description)),
                    ("order", Node::Int(a.order)),
                    ("description", Node::str(&a.description)),
                ];
                if !a.values.is_empty() {
                    let values = a
                        .values
                        .iter()
                        .map(|(k, n)| Node::Obj(vec![("key", Node::str(k)), ("name", Node::str(n))]))
                        .collect();
                    fields.push(("values", Node::List("value", values)));
                }
                Node::Obj(fields)
            })
            .collect();
        let doc =
            Node::Obj(vec![("service_code", Node::str(&s.code)), ("attributes", Node::List("attribute", attributes))]);
        Ok(format.render(StatusCode::OK, "service_definition", &doc))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}
