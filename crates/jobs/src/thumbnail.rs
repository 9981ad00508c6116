//! Thumbnails of uploaded photos, made once in the background so that intake stays fast.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use laksana_store::jobs::Job;

use crate::{Handler, JobError};

pub const THUMBNAIL_KIND: &str = "media.thumbnail";
/// The longer side of a thumbnail, in pixels.
const SIZE: u32 = 320;

/// Makes `media/thumb/NAME` from `media/NAME`; the payload is the file name.
pub struct Thumbnail {
    media_dir: PathBuf,
}

impl Thumbnail {
    pub fn new(media_dir: PathBuf) -> Self {
        Self { media_dir }
    }
}

impl Handler for Thumbnail {
    fn kind(&self) -> &'static str {
        THUMBNAIL_KIND
    }

    fn run<'a>(&'a self, job: &'a Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>> {
        Box::pin(async move {
            let name = job.payload.trim().to_owned();
            if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
                return Err(JobError::Permanent(format!("not a media file name: {name:?}")));
            }
            let dir = self.media_dir.clone();
            tokio::task::spawn_blocking(move || {
                let src = dir.join(&name);
                let img = image::open(&src).map_err(|e| JobError::Permanent(format!("{}: {e}", src.display())))?;
                let thumbs = dir.join("thumb");
                std::fs::create_dir_all(&thumbs).map_err(|e| JobError::Retry(e.to_string()))?;
                img.thumbnail(SIZE, SIZE)
                    .to_rgb8()
                    .save_with_format(thumbs.join(&name), image::ImageFormat::Jpeg)
                    .map_err(|e| JobError::Retry(e.to_string()))
            })
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?
        })
    }
}
