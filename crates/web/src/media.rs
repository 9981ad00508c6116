//! Uploaded photos: decoded, re-encoded (which drops EXIF and GPS metadata) and kept under the media
//! directory with a random name.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use image::{ImageFormat, ImageReader, Limits};
use rand::Rng;

/// The job kind that makes a thumbnail of a stored image (run by `laksana-jobs`).
pub const THUMBNAIL_JOB: &str = "media.thumbnail";

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is too large (at most 8000 x 8000 pixels)")]
    TooLarge,
    #[error("could not store the image")]
    Io(#[from] std::io::Error),
}

/// Decoding a photo takes a core and up to `max_alloc` of memory: at most this many at once.
static DECODERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Stores an uploaded image as a metadata-free JPEG; returns its file name.
pub async fn store_image(dir: &Path, bytes: Bytes) -> Result<String, MediaError> {
    let _permit = DECODERS.acquire().await.map_err(|e| MediaError::Io(std::io::Error::other(e)))?;
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || store_blocking(&dir, &bytes))
        .await
        .map_err(|e| MediaError::Io(std::io::Error::other(e)))?
}

/// Removes stored files of a submission that was not kept.
pub fn remove(dir: &Path, names: &[String]) {
    for name in names {
        if let Err(e) = std::fs::remove_file(dir.join(name)) {
            tracing::warn!(file = %name, error = %e, "could not remove an unused upload");
        }
    }
}

/// The URL a client can fetch a stored media reference at: uploads are kept as `/media/NAME` and
/// served from this server, so the public URL is only added on output.
pub fn public_url(base: &str, stored: &str) -> String {
    if stored.starts_with('/') { format!("{}{stored}", base.trim_end_matches('/')) } else { stored.to_owned() }
}

fn store_blocking(dir: &PathBuf, bytes: &[u8]) -> Result<String, MediaError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| MediaError::NotAnImage)?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Err(MediaError::NotAnImage);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(8_000);
    limits.max_image_height = Some(8_000);
    limits.max_alloc = Some(128 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooLarge,
        _ => MediaError::NotAnImage,
    })?;
    std::fs::create_dir_all(dir)?;
    let name = format!("{}.jpg", hex::encode(rand::rng().random::<[u8; 16]>()));
    let mut out = Vec::new();
    img.to_rgb8()
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
        .map_err(|e| MediaError::Io(std::io::Error::other(e)))?;
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, &out)?;
    std::fs::rename(&tmp, dir.join(&name))?;
    Ok(name)
}

/// Whether `name` is one [`store_blocking`] gives: 32 lowercase hex digits and `.jpg`.
fn is_stored_name(name: &str) -> bool {
    name.strip_suffix(".jpg")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// The media routes.
pub(crate) fn router() -> axum::Router<crate::state::AppState> {
    axum::Router::new().route("/media/{*file}", axum::routing::get(serve))
}

/// Serves `/media/NAME` and `/media/thumb/NAME`. A photo of a `rahasia` report is served only to those
/// who may see the report (see docs/ARCHITECTURE.md, Privacy), under the same rules as the report
/// itself; to anyone else it does not exist.
async fn serve(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    method: axum::http::Method,
    headers: axum::http::HeaderMap,
    req: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use tower::ServiceExt;
    let path = req.uri().path().to_owned();
    let not_found = || (axum::http::StatusCode::NOT_FOUND, "Halaman tidak ditemukan / page not found").into_response();
    // Exactly `/media/NAME` or `/media/thumb/NAME`, NAME as uploads are named (32 hex digits and
    // `.jpg`). Anything else, a percent-encoded twin of a name or a directory included, is not ours:
    // the privacy check below must see exactly the name that is served.
    let rest = path.strip_prefix("/media/").unwrap_or_default();
    let name = rest.strip_prefix("thumb/").unwrap_or(rest);
    if !is_stored_name(name) {
        return not_found();
    }
    match laksana_store::reports::media_owner(state.db(), &format!("/media/{name}")).await {
        Err(e) => return crate::error::Problem::from(e).into_response(),
        Ok(Some((report_id, privacy))) if privacy == "rahasia" => {
            use crate::service::{ServiceError, caller, reports};
            let verdict = async {
                let caller = caller::caller(&state, &method, &headers).await.ok()?;
                let item = laksana_store::workflow::load_by_id(state.db(), report_id).await.ok()??;
                let j = crate::state::JurisdictionRef::get(state.catalog(), &item.jurisdiction_id)?;
                let code = headers.get(crate::auth::FOLLOW_UP_HEADER).and_then(|v| v.to_str().ok());
                let read = |_: &laksana_store::workflow::WorkItem| laksana_core::access::Operation::Read;
                Some(reports::load(&state, &j, caller, code, &item.public_id, read).await)
            }
            .await;
            match verdict {
                Some(Ok(_)) => {}
                Some(Err(ServiceError::WrongFollowUpCode { .. })) => {
                    let mut res = not_found();
                    res.extensions_mut().insert(crate::error::WrongFollowUpCode);
                    return res;
                }
                _ => return not_found(),
            }
        }
        Ok(_) => {}
    }
    // A directory is never listed nor redirected to (a redirect would lead outside /media).
    let dir =
        tower_http::services::ServeDir::new(state.config().media_dir.clone()).append_index_html_on_directories(false);
    let req = {
        let (mut parts, body) = req.into_parts();
        let rest = path.trim_start_matches("/media");
        parts.uri = rest.parse().unwrap_or_else(|_| axum::http::Uri::from_static("/"));
        axum::extract::Request::from_parts(parts, body)
    };
    match dir.oneshot(req).await {
        Ok(res) => res.into_response(),
        Err(e) => match e {},
    }
}
