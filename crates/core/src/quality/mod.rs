//! Service-quality figures: the public performance indicators of complaint handling, the community
//! satisfaction index (SKM/IKM) and the compliance self-assessment. Only formulas live here; the
//! store counts, the web layer shows. `docs/quality.md` states each formula with worked examples.

pub mod compliance;
pub mod ikm;
pub mod kpi;
pub mod standards;
