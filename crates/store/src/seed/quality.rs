//! The demo city's service-quality records: a year of satisfaction-survey answers for some of its
//! agencies, the published standards and pledges of two services, and those agencies' compliance
//! assessments of this year, so that the dashboard and the service pages have something to show.
//! Agencies used by the tests' own surveys and assessments (DPUPR, DISPERKIM) get none.

use std::collections::BTreeMap;

use chrono::Datelike;
use laksana_core::Timestamp;
use laksana_core::quality::compliance::{INDICATORS, IndicatorScore, assess};
use laksana_core::quality::standards::{COMPONENTS, Standard};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::sql::Arg;
use crate::{Db, Result};

/// `(agency code, respondents, the chance of a 4 and of a 3 per answer)`.
const SURVEYED: [(&str, u32, f64, f64); 6] = [
    ("DISDUKCAPIL", 120, 0.45, 0.45),
    ("DINKES", 90, 0.35, 0.5),
    ("DLH", 60, 0.2, 0.5),
    ("DISHUB", 50, 0.1, 0.45),
    ("DINSOS", 70, 0.3, 0.5),
    ("BAPENDA", 40, 0.5, 0.4),
];

/// `(service code, decree number, decree date, the components' texts)`.
fn standards() -> Vec<(&'static str, &'static str, &'static str, [&'static str; 14])> {
    vec![
        (
            "ktp-kk",
            "Keputusan Kepala Dinas Kependudukan dan Pencatatan Sipil Nomor 470/12-Disdukcapil/2026",
            "2026-01-15",
            [
                "UU 23/2006 jo. UU 24/2013 tentang Administrasi Kependudukan; Perpres 96/2018.",
                "Fotokopi Kartu Keluarga; surat pengantar RT/RW untuk perubahan data; KTP-el lama bila rusak.",
                "Pemohon datang ke loket atau mengajukan daring; petugas memverifikasi berkas; perekaman; pencetakan; penyerahan.",
                "1 hari kerja setelah berkas lengkap.",
                "Tidak dipungut biaya.",
                "KTP-el atau Kartu Keluarga yang diterbitkan.",
                "Loket pelayanan, ruang tunggu ber-AC, kursi roda, jalur khusus lansia dan penyandang disabilitas.",
                "Petugas bersertifikat administrasi kependudukan.",
                "Kepala Bidang Pelayanan Pendaftaran Penduduk melakukan supervisi harian.",
                "Melalui Laksana, kotak saran di loket, atau telepon 021-5555-0101.",
                "12 petugas loket dan 4 operator perekaman.",
                "Pelayanan dijamin sesuai standar; bila melewati batas waktu, pemohon dapat mengadu.",
                "Data pribadi dilindungi; ruang pelayanan dilengkapi CCTV dan alat pemadam kebakaran.",
                "Evaluasi kinerja pelaksana setiap triwulan berdasarkan hasil SKM dan pengaduan.",
            ],
        ),
        (
            "layanan-puskesmas",
            "Keputusan Kepala Dinas Kesehatan Nomor 440/88-Dinkes/2025",
            "2025-06-02",
            [
                "UU 17/2023 tentang Kesehatan; Permenkes 43/2019 tentang Puskesmas.",
                "Kartu identitas; kartu JKN bila ada.",
                "Pendaftaran; pemeriksaan oleh tenaga kesehatan; tindakan atau rujukan; farmasi.",
                "Pelayanan rawat jalan pada hari yang sama.",
                "Gratis bagi warga ber-KTP Kota Tangerang dan peserta JKN.",
                "Pelayanan kesehatan dasar dan surat rujukan bila perlu.",
                "Ruang tunggu, ruang periksa, laboratorium sederhana, akses kursi roda.",
                "Dokter, perawat dan bidan dengan surat tanda registrasi yang berlaku.",
                "Kepala Puskesmas dan tim mutu internal.",
                "Melalui Laksana atau petugas pengaduan di setiap puskesmas.",
                "Sesuai standar ketenagaan puskesmas.",
                "Pelayanan diberikan tanpa diskriminasi.",
                "Pengendalian infeksi dan keselamatan pasien sesuai standar akreditasi.",
                "Evaluasi kinerja setiap semester.",
            ],
        ),
    ]
}

/// `(agency code, its pledge)`.
const PLEDGES: [(&str, &str); 2] = [
    (
        "DISDUKCAPIL",
        "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah ditetapkan, dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai peraturan perundang-undangan yang berlaku.",
    ),
    ("DINKES", "Kami siap memberikan pelayanan kesehatan yang cepat, ramah dan tanpa pungutan di luar ketentuan."),
];

/// Loads the demo city's survey answers, standards, pledges and assessments.
pub(super) async fn demo_quality(db: &Db, jurisdiction_id: &str, actor: &str, now: Timestamp) -> Result<()> {
    let agencies = crate::catalog::agencies(db, jurisdiction_id).await?;
    let services = crate::catalog::services(db, jurisdiction_id).await?;
    let agency = |code: &str| agencies.iter().find(|a| a.code == code).map(|a| a.id);
    let mut rng = StdRng::seed_from_u64(2017);
    let mut rows: Vec<[Option<i64>; 12]> = Vec::new();
    let mut profiles: Vec<[Option<&'static str>; 4]> = Vec::new();
    for (code, n, p4, p3) in SURVEYED {
        let Some(a) = agency(code) else { continue };
        let own: Vec<i64> = services.iter().filter(|s| s.agency_id == Some(a) && !s.staff).map(|s| s.id).collect();
        for _ in 0..n {
            let mut r = [None; 12];
            r[0] = Some(a);
            r[1] = (!own.is_empty() && rng.random_bool(0.7)).then(|| own[rng.random_range(0..own.len())]);
            for slot in r.iter_mut().skip(2).take(9) {
                let u: f64 = rng.random();
                *slot = Some(if u < p4 {
                    4
                } else if u < p4 + p3 {
                    3
                } else if u < p4 + p3 + (1.0 - p4 - p3) * 0.7 {
                    2
                } else {
                    1
                });
            }
            r[11] = Some(now.plus_seconds(-rng.random_range(3_600..330 * 86_400)).as_micros());
            rows.push(r);
            let pick = |rng: &mut StdRng, f: laksana_core::quality::ikm::ProfileField| {
                let c = f.choices();
                rng.random_bool(0.6).then(|| c[rng.random_range(0..c.len())].0)
            };
            use laksana_core::quality::ikm::ProfileField as P;
            profiles.push([
                pick(&mut rng, P::AgeBand),
                pick(&mut rng, P::Sex),
                pick(&mut rng, P::Education),
                pick(&mut rng, P::Occupation),
            ]);
        }
    }
    let mut tx = db.begin().await?;
    let args: Vec<Vec<Arg<'_>>> = rows
        .iter()
        .zip(&profiles)
        .map(|(r, p)| {
            let mut v: Vec<Arg<'_>> = vec![Arg::from(jurisdiction_id)];
            v.extend(r.iter().map(|x| Arg::from(*x)));
            v.extend(p.iter().map(|x| Arg::from(*x)));
            v
        })
        .collect();
    let _: Vec<(i64,)> = tx
        .insert_rows(
            "INSERT INTO survey_responses (jurisdiction_id, agency_id, service_id, u1, u2, u3, u4, u5, u6, u7, u8, u9,
                 created_at, age_band, sex, education, occupation)",
            &args,
            "RETURNING id",
        )
        .await?;
    tx.commit().await?;

    for (code, number, date, texts) in standards() {
        let Some(s) = services.iter().find(|s| s.code == code) else { continue };
        let components: BTreeMap<String, String> =
            COMPONENTS.iter().zip(texts).map(|((k, _, _), t)| ((*k).to_owned(), t.to_owned())).collect();
        let standard = Standard::parse(number, date, &components)
            .map_err(|e| crate::StoreError::Invalid(format!("demo standard of {code}: {e:?}")))?;
        crate::standards::publish(db, jurisdiction_id, s.id, &standard, actor, now).await?;
    }
    for (code, text) in PLEDGES {
        if let Some(a) = agency(code) {
            crate::standards::set_pledge(db, jurisdiction_id, a, text, actor, now).await?;
        }
    }
    let year = now.to_utc().year().to_string();
    for (code, base) in [("DISDUKCAPIL", 3), ("DINKES", 2), ("DISHUB", 1)] {
        let Some(a) = agency(code) else { continue };
        let scores: Vec<(&str, IndicatorScore)> = INDICATORS
            .iter()
            .enumerate()
            .map(|(i, ind)| (ind.code, IndicatorScore::new((base + i as i64 % 2).min(3)).expect("0 to 3")))
            .collect();
        let a_ = assess(&scores).map_err(crate::StoreError::Invalid)?;
        let stored: serde_json::Map<String, serde_json::Value> = scores
            .iter()
            .map(|(c, s)| ((*c).to_owned(), serde_json::json!({"score": s.get(), "evidence": "Data contoh (demo)"})))
            .collect();
        let new = crate::compliance::NewAssessment {
            jurisdiction_id,
            agency_id: a,
            period: &year,
            scores: serde_json::Value::Object(stored),
            score: a_.score,
            zone: a_.zone.as_str(),
            actor,
        };
        crate::compliance::record(db, &new, now).await?;
    }
    Ok(())
}
