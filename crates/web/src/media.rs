//! Uploaded photos: decoded, re-encoded (which drops EXIF and GPS metadata) and kept under the media
//! directory with a random name.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageFormat, ImageReader, Limits};
use rand::Rng;

/// The job kind that makes a thumbnail of a stored image (run by `laksana-jobs`).
pub const THUMBNAIL_JOB: &str = "media.thumbnail";

/// Why an upload was refused.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("not a JPEG, PNG or WebP image")]
    NotAnImage,
    #[error("the image is too large (at most 40 megapixels and 8000 pixels on a side)")]
    TooLarge,
    #[error("too many photos are being processed; try again shortly")]
    Busy,
    #[error("could not store the image")]
    Io(#[from] std::io::Error),
}

/// Decoding a photo takes a core and up to `max_alloc` of memory: at most this many at once.
static DECODERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
/// Photos being decoded or waiting for a decoder: those 2 and 4 more. Further photos are refused at once
/// (503), so that a burst of expensive images delays an ordinary photo by a few decodes at most, not by
/// the whole burst. Permits, not a counter: a request dropped while it waits gives its place back.
static QUEUE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2 + 4);
/// The most pixels a photo may declare: decoding costs time and memory by pixel, whatever the file's size.
const MAX_PIXELS: u64 = 40_000_000;
/// Stored photos are scaled down to this longer side: enough to see a pothole, small on disk.
const MAX_EDGE: u32 = 2_560;

/// A photo being received: written to a temporary file under `media/.incoming` as its bytes arrive, so
/// a slow upload holds disk, not memory; the file is removed when this is dropped.
#[derive(Debug)]
pub struct Upload {
    path: PathBuf,
    file: Option<tokio::fs::File>,
    len: usize,
}

impl Upload {
    /// Starts a temporary file in `media_dir`'s `.incoming` folder.
    pub async fn create(media_dir: &Path) -> std::io::Result<Upload> {
        let incoming = media_dir.join(".incoming");
        tokio::fs::create_dir_all(&incoming).await?;
        let path = incoming.join(format!("{}.part", hex::encode(rand::rng().random::<[u8; 16]>())));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Upload { path, file: Some(file), len: 0 })
    }

    /// Appends the next bytes of the photo.
    pub async fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.len += chunk.len();
        self.file.as_mut().expect("an upload is written only before it is stored").write_all(chunk).await
    }

    /// Whether nothing was received.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    async fn finish(&mut self) -> std::io::Result<()> {
        use tokio::io::AsyncWriteExt;
        if let Some(mut f) = self.file.take() {
            f.flush().await?;
        }
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Multipart submissions (with photos) read at once, by every channel; each may hold up to
/// `server.max_upload_mib`.
pub static UPLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(16);

/// Where the pages keep photos of a form that came back with mistakes, until it is sent again.
pub fn staged_dir(media_dir: &Path) -> PathBuf {
    media_dir.join(".staged")
}

/// Removes what a crash left in `media/.incoming`: files older than an hour (the media directory may
/// be shared by several instances, whose uploads in progress are younger).
pub fn clear_incoming(media_dir: &Path) {
    remove_older(&media_dir.join(".incoming"), std::time::Duration::from_secs(3600));
    clear_staged(media_dir);
}

/// Removes staged photos older than a day: forms left with mistakes, or offered reports to follow,
/// that did not come back. Run whenever a page stages photos, so a long-running server stays tidy.
pub fn clear_staged(media_dir: &Path) {
    remove_older(&staged_dir(media_dir), std::time::Duration::from_secs(24 * 3600));
}

fn remove_older(dir: &Path, age: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let old = e.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|a| a > age));
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Stores an uploaded image as a metadata-free JPEG; returns its file name.
pub async fn store_image(dir: &Path, mut upload: Upload) -> Result<String, MediaError> {
    upload.finish().await?;
    let place = QUEUE.try_acquire().map_err(|_| MediaError::Busy)?;
    let decoder = DECODERS.acquire().await.map_err(|e| MediaError::Io(std::io::Error::other(e)))?;
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        // Held by the decode itself: a request dropped meanwhile does not free a decoder still busy.
        let _held = (place, decoder);
        let open = || std::fs::File::open(&upload.path).map(std::io::BufReader::new);
        store_from(&dir, open)
    })
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

#[cfg(test)]
fn store_blocking(dir: &PathBuf, bytes: &[u8]) -> Result<String, MediaError> {
    store_from(dir, || Ok(Cursor::new(bytes)))
}

/// Decodes the image `open` reads (opened twice: once for the declared size alone) and stores it.
fn store_from<R: std::io::BufRead + std::io::Seek>(
    dir: &PathBuf,
    open: impl Fn() -> std::io::Result<R>,
) -> Result<String, MediaError> {
    let mut reader = ImageReader::new(open()?).with_guessed_format().map_err(|_| MediaError::NotAnImage)?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Err(MediaError::NotAnImage);
    }
    // The declared size first, from the header alone: a small file may declare a huge image.
    let (w, h) = ImageReader::new(open()?)
        .with_guessed_format()
        .and_then(|r| r.into_dimensions().map_err(std::io::Error::other))
        .map_err(|_| MediaError::NotAnImage)?;
    if w > 8_000 || h > 8_000 || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(MediaError::TooLarge);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(8_000);
    limits.max_image_height = Some(8_000);
    limits.max_alloc = Some(128 * 1024 * 1024);
    reader.limits(limits);
    let mut img = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => MediaError::TooLarge,
        _ => MediaError::NotAnImage,
    })?;
    // Scaled down before the RGB copy, so the copy is small whatever was uploaded.
    if img.width().max(img.height()) > MAX_EDGE {
        img = img.thumbnail(MAX_EDGE, MAX_EDGE);
    }
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

/// Whether `name` is one [`store_image`] gives: 32 lowercase hex digits and `.jpg`.
pub(crate) fn is_stored_name(name: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// A PNG of a few hundred bytes that declares `w` x `h` 16-bit grey pixels.
    fn declared_png(w: u32, h: u32) -> Vec<u8> {
        let small = image::ImageBuffer::<image::Luma<u16>, _>::new(4, 4);
        let mut png = Vec::new();
        small.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        // IHDR's data starts after the 8-byte signature, its length and its type.
        png[16..20].copy_from_slice(&w.to_be_bytes());
        png[20..24].copy_from_slice(&h.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("laksana-media-{}", hex::encode(rand::rng().random::<[u8; 8]>())));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_small_file_declaring_a_huge_image_is_refused_before_decoding() {
        let d = dir();
        let bomb = declared_png(8_000, 8_000);
        assert!(bomb.len() < 1_000, "{}", bomb.len());
        let started = std::time::Instant::now();
        assert!(matches!(store_blocking(&d, &bomb), Err(MediaError::TooLarge)));
        // 40 megapixels is the limit, whatever the sides.
        assert!(matches!(store_blocking(&d, &declared_png(7_000, 6_000)), Err(MediaError::TooLarge)));
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "nothing was decoded");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0, "nothing was stored");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_large_photo_is_stored_scaled_down_to_its_longer_side() {
        let d = dir();
        let wide = image::RgbImage::from_fn(2_600, 100, |x, _| image::Rgb([(x % 256) as u8, 90, 30]));
        let mut jpeg = Vec::new();
        wide.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg).unwrap();
        let name = store_blocking(&d, &jpeg).unwrap();
        let stored = image::open(d.join(&name)).unwrap();
        assert_eq!((stored.width(), stored.height()), (MAX_EDGE, 98));
        let _ = std::fs::remove_dir_all(&d);
    }
}
