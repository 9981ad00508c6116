//! The open-data export: every public report under a filter, as CSV or GeoJSON, written page by page
//! so that memory stays the same whatever the size. Never `rahasia`, never the reporter, never an
//! internal note. The columns are a published contract (`docs/quality.md`): add at the end, never
//! rename or reorder.

use std::sync::Arc;

use axum::body::Bytes;
use laksana_core::Timestamp;
use laksana_store::stats::{self, Cursor, OpenReport};
use serde_json::json;
use tokio::sync::OwnedSemaphorePermit;

use super::stats::Scope;
use crate::state::{AppState, JurisdictionRef};

/// The export's columns, in order.
pub const COLUMNS: [&str; 21] = [
    "service_request_id",
    "requested_at",
    "service_code",
    "service_name",
    "agency_code",
    "agency_name",
    "district_code",
    "district_name",
    "privacy",
    "status",
    "archive_reason",
    "description",
    "lat",
    "lon",
    "first_response_at",
    "response_working_days",
    "resolved_at",
    "resolution_working_days",
    "resolved_within_deadline",
    "reopen_count",
    "rating",
];

/// Reports read per database query.
const PAGE: i64 = 1_000;

/// How the export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    GeoJson,
    Xlsx,
}

/// The most reports a spreadsheet holds: Excel's 1,048,576 rows, less the header.
pub const XLSX_MAX_ROWS: i64 = 1_048_575;

/// Columns written as numbers in a spreadsheet (the rest as text, as in the CSV).
const NUMERIC: [&str; 5] = ["lat", "lon", "response_working_days", "resolution_working_days", "rating"];

/// One report's values, in [`COLUMNS`] order (empty for nothing).
fn values(j: &JurisdictionRef, r: &OpenReport) -> [String; COLUMNS.len()] {
    let time = |t: Option<i64>| t.map(|t| Timestamp::from_micros(t).to_rfc3339_in(j.tz)).unwrap_or_default();
    let num = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let service = j.services.iter().find(|s| s.id == r.service_id);
    let agency =
        |m: &std::collections::HashMap<i64, String>| r.agency_id.and_then(|a| m.get(&a).cloned()).unwrap_or_default();
    let district = r.district_id.and_then(|d| j.district_names.iter().find(|(id, _)| *id == d));
    [
        r.public_id.clone(),
        time(Some(r.requested_at)),
        service.map(|s| s.code.clone()).unwrap_or_default(),
        service.map(|s| s.name.clone()).unwrap_or_default(),
        agency(&j.agency_codes),
        agency(&j.agency_names),
        r.district_id.and_then(|d| j.district_codes.get(&d).cloned()).unwrap_or_default(),
        district.map(|(_, n)| n.clone()).unwrap_or_default(),
        r.privacy.clone(),
        r.status.clone(),
        r.archive_reason.clone().unwrap_or_default(),
        r.description.clone(),
        r.lat.map(|x| x.to_string()).unwrap_or_default(),
        r.lon.map(|x| x.to_string()).unwrap_or_default(),
        time(r.first_response_at),
        num(r.response_days),
        time(r.resolved_at),
        num(r.resolution_days),
        r.resolved_on_time.map(|b| b.to_string()).unwrap_or_default(),
        r.reopen_count.to_string(),
        num(r.rating),
    ]
}

fn csv_rows(rows: impl IntoIterator<Item = [String; COLUMNS.len()]>, header: bool) -> Bytes {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(256 * 1024));
    // Writing to memory cannot fail.
    if header {
        w.write_record(COLUMNS).expect("writing CSV to memory");
    }
    for r in rows {
        w.write_record(&r).expect("writing CSV to memory");
    }
    Bytes::from(w.into_inner().expect("a Vec flushes"))
}

fn geojson_rows(j: &JurisdictionRef, rows: &[OpenReport], first: bool) -> Bytes {
    let mut out = Vec::with_capacity(512 * 1024);
    for (i, r) in rows.iter().enumerate() {
        if !(first && i == 0) {
            out.push(b',');
        }
        let vals = values(j, r);
        let mut props = serde_json::Map::new();
        for (k, v) in COLUMNS.iter().zip(vals) {
            if *k == "lat" || *k == "lon" {
                continue;
            }
            props.insert((*k).to_owned(), if v.is_empty() { serde_json::Value::Null } else { v.into() });
        }
        let geometry = match (r.lat, r.lon) {
            (Some(lat), Some(lon)) => json!({"type": "Point", "coordinates": [lon, lat]}),
            _ => serde_json::Value::Null,
        };
        serde_json::to_writer(&mut out, &json!({"type": "Feature", "geometry": geometry, "properties": props}))
            .expect("writing JSON to memory");
        out.push(b'\n');
    }
    Bytes::from(out)
}

struct Walk {
    state: AppState,
    j: JurisdictionRef,
    scope: Scope,
    format: Format,
    after: Option<Cursor>,
    started: bool,
    done: bool,
    /// Held until the export ends: the number of exports at once is bounded.
    _permit: Arc<OwnedSemaphorePermit>,
}

/// The export as a stream of chunks, one page of reports each. A database error ends the stream
/// early (logged): the client sees a cut-off file rather than a wrong one.
pub fn stream(
    state: AppState,
    j: JurisdictionRef,
    scope: Scope,
    format: Format,
    permit: OwnedSemaphorePermit,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let walk = Walk { state, j, scope, format, after: None, started: false, done: false, _permit: Arc::new(permit) };
    futures::stream::unfold(walk, |mut w| async move {
        if w.done {
            return None;
        }
        let page = match stats::open_reports(w.state.db(), w.j.id(), &w.scope.filter, w.after, PAGE).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, jurisdiction = %w.j.id(), "open-data export cut short");
                w.done = true;
                return Some((Err(std::io::Error::other("export failed")), w));
            }
        };
        let first = !w.started;
        w.started = true;
        w.after = page.last().map(|r| (r.requested_at, r.id));
        let last = (page.len() as i64) < PAGE;
        let mut chunk = Vec::new();
        match w.format {
            Format::Csv => chunk.extend_from_slice(&csv_rows(page.iter().map(|r| values(&w.j, r)), first)),
            Format::Xlsx => unreachable!("spreadsheets are written by xlsx_stream"),
            Format::GeoJson => {
                if first {
                    chunk.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
                    chunk.push(b'\n');
                }
                chunk.extend_from_slice(&geojson_rows(&w.j, &page, first));
                if last {
                    chunk.extend_from_slice(b"]}\n");
                }
            }
        }
        w.done = last;
        Some((Ok(Bytes::from(chunk)), w))
    })
}

/// A `Write` that hands what it is given to an async body, chunk by chunk, waiting while the client
/// has not read the previous ones (the channel is bounded).
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= 256 * 1024 {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = Bytes::from(std::mem::take(&mut self.buf));
            self.tx.blocking_send(Ok(chunk)).map_err(|_| std::io::Error::other("the client went away"))?;
        }
        Ok(())
    }
}

/// The export as an Excel workbook, written in constant memory: rows go to a temporary file as they
/// are read, and the workbook is streamed to the client when the last is in. The caller checks first
/// that the reports fit in a sheet ([`XLSX_MAX_ROWS`]).
pub fn xlsx_stream(
    state: AppState,
    j: JurisdictionRef,
    scope: Scope,
    permit: OwnedSemaphorePermit,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let (body_tx, body_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let (rows_tx, rows_rx) = std::sync::mpsc::sync_channel::<Vec<[String; COLUMNS.len()]>>(2);
    let err_tx = body_tx.clone();
    let writer = tokio::task::spawn_blocking(move || -> Result<(), String> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let sheet = wb.add_worksheet_with_constant_memory().map_err(|e| e.to_string())?;
        sheet.set_name("laporan").map_err(|e| e.to_string())?;
        for (c, name) in COLUMNS.iter().enumerate() {
            sheet.write_string(0, c as u16, *name).map_err(|e| e.to_string())?;
        }
        let mut row = 1u32;
        while let Ok(page) = rows_rx.recv() {
            for values in page {
                for (c, v) in values.iter().enumerate() {
                    if v.is_empty() {
                        continue;
                    }
                    let numeric = NUMERIC.contains(&COLUMNS[c]).then(|| v.parse::<f64>().ok()).flatten();
                    match numeric {
                        Some(n) => sheet.write_number(row, c as u16, n),
                        None => sheet.write_string(row, c as u16, v),
                    }
                    .map_err(|e| e.to_string())?;
                }
                row += 1;
            }
        }
        let mut out = ChannelWriter { tx: body_tx, buf: Vec::new() };
        wb.save_to_writer(&mut out).map_err(|e| e.to_string())?;
        std::io::Write::flush(&mut out).map_err(|e| e.to_string())
    });
    tokio::spawn(async move {
        let _permit = permit;
        let mut after = None;
        loop {
            let page = match stats::open_reports(state.db(), j.id(), &scope.filter, after, PAGE).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(error = %e, jurisdiction = %j.id(), "spreadsheet export cut short");
                    let _ = err_tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            after = page.last().map(|r| (r.requested_at, r.id));
            let last = (page.len() as i64) < PAGE;
            let values: Vec<_> = page.iter().map(|r| values(&j, r)).collect();
            let tx = rows_tx.clone();
            // The writer thread takes pages as fast as it writes them; waiting for it must not hold
            // a runtime thread.
            let sent = tokio::task::spawn_blocking(move || tx.send(values).is_ok()).await.unwrap_or(false);
            if !sent || last {
                break;
            }
        }
        drop(rows_tx);
        match writer.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "spreadsheet export not finished");
                let _ = err_tx.send(Err(std::io::Error::other("export failed"))).await;
            }
            Err(e) => tracing::error!(error = %e, "spreadsheet writer failed"),
        }
    });
    futures::stream::unfold(body_rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) })
}

/// The columns of the raw survey answers (`surveys.csv`), in order.
pub const SURVEY_COLUMNS: [&str; 12] =
    ["answered_on", "agency_code", "service_code", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"];

/// Every survey response under the filter as CSV, page by page: the day, the unit and the nine
/// answers, from which anyone can compute each unit's IKM.
pub fn survey_stream(
    state: AppState,
    j: JurisdictionRef,
    filter: laksana_store::surveys::RawFilter,
    permit: OwnedSemaphorePermit,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let start = (state, j, filter, Some(0i64), true, Arc::new(permit));
    futures::stream::unfold(start, |(state, j, filter, after, first, permit)| async move {
        let after = after?;
        let page = match laksana_store::surveys::raw_page(state.db(), j.id(), &filter, after, PAGE).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, jurisdiction = %j.id(), "survey export cut short");
                return Some((Err(std::io::Error::other("export failed")), (state, j, filter, None, false, permit)));
            }
        };
        let next = ((page.len() as i64) == PAGE).then(|| page.last().map_or(after, |r| r.id));
        let mut w = csv::Writer::from_writer(Vec::with_capacity(64 * 1024));
        if first {
            w.write_record(SURVEY_COLUMNS).expect("writing CSV to memory");
        }
        for r in &page {
            let day = j.calendar.local_day(Timestamp::from_micros(r.created_at)).to_string();
            let agency = r.agency_id.and_then(|a| j.agency_codes.get(&a).cloned()).unwrap_or_default();
            let service = r
                .service_id
                .and_then(|s| j.services.iter().find(|x| x.id == s).map(|x| x.code.clone()))
                .unwrap_or_default();
            let mut rec = vec![day, agency, service];
            rec.extend([r.u1, r.u2, r.u3, r.u4, r.u5, r.u6, r.u7, r.u8, r.u9].map(|u| u.to_string()));
            w.write_record(&rec).expect("writing CSV to memory");
        }
        let chunk = Bytes::from(w.into_inner().expect("a Vec flushes"));
        Some((Ok(chunk), (state, j, filter, next, false, permit)))
    })
}
