//! POST requests: a new service request from an Open311 client.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use axum::response::Response;
use laksana_core::Channel;

use super::Params;
use crate::doc::Node;
use crate::error::{Format, Open311Error};
use crate::service::intake::{self, IntakeInput};
use crate::state::AppState;

/// The largest form-encoded submission read: a description of 4,000 characters, each percent-encoded
/// UTF-8, is under 50 KiB.
const MAX_FORM_BYTES: usize = 256 * 1024;

pub(super) async fn post(state: &AppState, format: Format, req: Request) -> Result<Response, Open311Error> {
    let bad = |msg: String| Open311Error::bad_request(format, msg);
    // A client whose address used up its submissions without a valid key is refused before its body
    // is read (the key may be in the body; a client that sends it in the query is judged by it alone).
    let client = state.client_address(req.extensions(), req.headers());
    let idempotency_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let mut params = Params::parse(req.uri().query().unwrap_or(""));
    // The key, once known (from the query now, or from the fields before the first photo): looked up
    // once, its rate checked before any more of the body is read. The query's key is the one
    // `Params::get` answers later too.
    let mut found = match params.get("api_key") {
        Some(_) => Some(
            admit_key(state, &state.catalog(), &params, client)
                .await
                .map_err(|e| Open311Error::from_service(format, e))?,
        ),
        None => {
            intake::check_address(state, client).map_err(|e| Open311Error::from_service(format, e))?;
            None
        }
    };
    let mut uploads = Vec::new();
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        // A multipart body may carry photos of several MiB: only a few are read at once, and a client
        // over that gets 503 before a byte of its body is read.
        let _upload = crate::media::UPLOADS.try_acquire().map_err(|_| {
            Open311Error::new(format, StatusCode::SERVICE_UNAVAILABLE, "too many uploads at once; try again shortly")
        })?;
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|e| bad(format!("the multipart body could not be read: {}", e.body_text())))?;
        loop {
            let mut field = match mp.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(upload_error(state, format, e.status(), e.body_text())),
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name == "media" {
                // The key before the photo: a client without a valid one never gets to send one.
                if found.is_none() {
                    let key = admit_key(state, &state.catalog(), &params, client)
                        .await
                        .map_err(|e| Open311Error::from_service(format, e))
                        .map_err(|mut e| {
                            if params.get("api_key").is_none() {
                                e.description = "api_key is required, in the query or before the media parts".into();
                            }
                            e
                        })?;
                    found = Some(key);
                }
                // Written to a temporary file as it arrives: a slow upload holds disk, not memory (the body
                // limit still ends it at `server.max_upload_mib`).
                let mut upload = crate::media::Upload::create(&state.config().media_dir)
                    .await
                    .map_err(|e| Open311Error::internal(format, &e))?;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            upload.write(&chunk).await.map_err(|e| Open311Error::internal(format, &e))?;
                        }
                        Ok(None) => break,
                        Err(e) => return Err(upload_error(state, format, e.status(), e.body_text())),
                    }
                }
                if !upload.is_empty() {
                    uploads.push(upload);
                }
            } else {
                let text = field.text().await.map_err(|e| bad(format!("field {name}: {}", e.body_text())))?;
                params.push(name, text);
            }
        }
    } else {
        let body = axum::body::to_bytes(req.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| Open311Error::new(format, StatusCode::PAYLOAD_TOO_LARGE, "the form is larger than 256 KiB"))?;
        for (k, v) in form_pairs(&body) {
            params.push(k, v);
        }
    }

    let catalog = state.catalog();
    let to_open311 = |e| Open311Error::from_service(format, e);
    // Authentication first: nothing else about the request is looked at for a client without a key.
    let (key, j) =
        intake::authenticate(state, &catalog, found, params.get("api_key"), params.get("jurisdiction_id"), client)
            .await
            .map_err(to_open311)?;
    let attributes = intake::attribute_answers(params.pairs().iter().map(|(k, v)| (k, v)));
    let get = |name: &str| params.get(name).map(str::to_owned);
    let input = IntakeInput {
        service_code: get("service_code"),
        lat: get("lat"),
        long: get("long"),
        address: get("address_string"),
        address_id: get("address_id"),
        zipcode: get("zipcode"),
        description: get("description"),
        email: get("email"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        phone: get("phone"),
        device_id: get("device_id"),
        account_id: get("account_id"),
        privacy: get("privacy"),
        client_key: idempotency_key.or_else(|| {
            attributes.get("fixmystreet_id").and_then(|v| v.iter().find(|s| !s.trim().is_empty())).cloned()
        }),
        attributes,
        media_urls: params.all("media_url").map(str::to_owned).collect(),
        uploads,
        stored: Vec::new(),
        language: get("locale").or_else(|| get("language")),
        user_id: None,
    };
    let receipt = intake::submit(state, j, Some(&key), Channel::Open311, input).await.map_err(to_open311)?;
    let item = Node::Obj(vec![
        ("service_request_id", Node::str(receipt.accepted.public_id.as_str())),
        ("service_notice", Node::str(receipt.notice)),
        ("account_id", Node::opt(receipt.account_id)),
        ("follow_up_code", Node::opt(receipt.follow_up_code)),
    ]);
    let status = if receipt.accepted.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok(format.render(status, "service_requests", &Node::List("request", vec![item])))
}

pub(super) fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

/// The key `params` name, checked for the jurisdiction they name and for its rate (nothing counted)
/// before more of the body is read; a refused key counts against the client's address.
async fn admit_key(
    state: &AppState,
    catalog: &crate::state::Catalog,
    params: &Params,
    client: std::net::IpAddr,
) -> Result<laksana_store::apikeys::ApiKey, crate::service::ServiceError> {
    let key =
        intake::find_key(state, params.get("api_key")).await.map_err(|e| intake::refused_key(state, client, e))?;
    intake::key_scope(catalog, &key, params.get("jurisdiction_id"))
        .map_err(|e| intake::refused_key(state, client, e))?;
    intake::check_key_rate(state, &key)?;
    Ok(key)
}

fn upload_error(state: &AppState, format: Format, status: StatusCode, text: String) -> Open311Error {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let mib = state.config().max_upload_bytes as f64 / (1024.0 * 1024.0);
        Open311Error::new(format, status, format!("the upload is too large (at most {mib:.0} MiB)"))
    } else {
        Open311Error::bad_request(format, format!("the upload could not be read: {text}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_keep_repeats_and_brackets() {
        let pairs = form_pairs(b"attribute%5Bjenis%5D%5B%5D=a&attribute%5Bjenis%5D%5B%5D=b&media_url=x&media_url=y");
        assert_eq!(pairs.len(), 4);
        assert_eq!(pairs[0], ("attribute[jenis][]".into(), "a".into()));
    }
}
