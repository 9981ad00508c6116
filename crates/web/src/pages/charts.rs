//! Charts drawn on the server as SVG: no script, no map tiles, readable by screen readers through
//! their titles and always accompanied by a table of the same numbers on the page. Colours are SVG
//! presentation attributes, which the pages' content security policy allows (inline CSS it does not).

use std::fmt::Write;

/// Escapes text for SVG (XML) content and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const BLUE: &str = "#1d4ed8";
const GREEN: &str = "#15803d";
const GREY: &str = "#9ca3af";
const INK: &str = "#111827";
const MUTED: &str = "#4b5563";
/// Five classes, light to dark, for the map.
const SCALE: [&str; 5] = ["#dbeafe", "#93c5fd", "#60a5fa", "#2563eb", "#1e3a8a"];

/// One bar: its label, its length (in the chart's unit) and the text shown beside it.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// Horizontal bars, one per row, scaled to the largest value (or to `max` when given, e.g. 100 %).
pub fn bars(title: &str, items: &[Bar], max: Option<f64>) -> String {
    let row = 28.0;
    let height = (items.len().max(1) as f64) * row + 8.0;
    let top = max.unwrap_or_else(|| items.iter().map(|b| b.value).fold(0.0, f64::max)).max(f64::MIN_POSITIVE);
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 640 {height}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = esc(title)
    );
    for (i, b) in items.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let w = (b.value.max(0.0) / top * 300.0).max(if b.value > 0.0 { 1.0 } else { 0.0 });
        let _ = write!(
            svg,
            r#"<g><title>{label}: {text}</title><text x="0" y="{ty}" font-size="13" fill="{INK}">{short}</text><rect x="250" y="{y}" width="{w:.1}" height="20" rx="3" fill="{BLUE}"/><text x="{tx:.1}" y="{ty}" font-size="13" fill="{INK}">{text}</text></g>"#,
            label = esc(&b.label),
            short = esc(&truncate(&b.label, 34)),
            text = esc(&b.text),
            ty = y + 15.0,
            tx = 256.0 + w,
        );
    }
    svg.push_str("</svg>");
    svg
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_owned() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// Pairs of columns per period (received in blue, completed in green), with a legend.
pub fn columns(title: &str, legend: (&str, &str), periods: &[(String, i64, i64)]) -> String {
    let n = periods.len().max(1) as f64;
    let (left, width, height) = (40.0, 600.0, 220.0);
    let slot = width / n;
    let top = periods.iter().map(|p| p.1.max(p.2)).max().unwrap_or(0).max(1) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {vw} 270" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        vw = left + width,
        t = esc(title)
    );
    let _ = write!(
        svg,
        r#"<line x1="{left}" y1="{height}" x2="{r}" y2="{height}" stroke="{GREY}"/><text x="0" y="12" font-size="11" fill="{MUTED}">{top}</text><text x="0" y="{height}" font-size="11" fill="{MUTED}">0</text>"#,
        r = left + width,
        top = top as i64
    );
    for (i, (label, a, b)) in periods.iter().enumerate() {
        let x = left + i as f64 * slot;
        let bw = (slot / 2.0 - 2.0).max(1.0);
        let ha = *a as f64 / top * (height - 10.0);
        let hb = *b as f64 / top * (height - 10.0);
        let _ = write!(
            svg,
            r#"<g><title>{l}: {a} / {b}</title><rect x="{x1:.1}" y="{ya:.1}" width="{bw:.1}" height="{ha:.1}" fill="{BLUE}"/><rect x="{x2:.1}" y="{yb:.1}" width="{bw:.1}" height="{hb:.1}" fill="{GREEN}"/></g>"#,
            l = esc(label),
            x1 = x + 1.0,
            x2 = x + 1.0 + bw,
            ya = height - ha,
            yb = height - hb,
        );
        // Label every period when there are few, else every third.
        if periods.len() <= 12 || i % 3 == 0 {
            let _ = write!(
                svg,
                r##"<text x="{x:.1}" y="{y}" font-size="10" fill="{MUTED}">{l}</text>"##,
                x = x + 1.0,
                y = height + 14.0,
                l = esc(label)
            );
        }
    }
    let _ = write!(
        svg,
        r#"<rect x="{left}" y="252" width="12" height="12" fill="{BLUE}"/><text x="{l1}" y="262" font-size="12" fill="{INK}">{a}</text><rect x="{l2}" y="252" width="12" height="12" fill="{GREEN}"/><text x="{l3}" y="262" font-size="12" fill="{INK}">{b}</text>"#,
        l1 = left + 16.0,
        l2 = left + 200.0,
        l3 = left + 216.0,
        a = esc(legend.0),
        b = esc(legend.1)
    );
    svg.push_str("</svg>");
    svg
}

/// One district on the map: its outline parts (lon, lat), name and value.
pub struct Area {
    pub parts: Vec<Vec<(f64, f64)>>,
    pub name: String,
    pub value: i64,
}

/// A choropleth of districts: each shaded by its value in five classes of equal width, with a
/// legend. Drawn from the district outlines alone, in an equirectangular projection corrected for
/// latitude (good enough at a city's size).
pub fn choropleth(title: &str, areas: &[Area]) -> String {
    let points = areas.iter().flat_map(|a| a.parts.iter().flatten());
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points {
        min_x = min_x.min(x);
        max_x = max_x.max(x);
        min_y = min_y.min(y);
        max_y = max_y.max(y);
    }
    if min_x > max_x {
        return String::new();
    }
    let k = ((min_y + max_y) / 2.0).to_radians().cos().max(0.1);
    let (w, h) = (((max_x - min_x) * k).max(1e-9), (max_y - min_y).max(1e-9));
    let scale = 600.0 / w.max(h);
    let (vw, vh) = (w * scale, h * scale);
    let top = areas.iter().map(|a| a.value).max().unwrap_or(0).max(1) as f64;
    let class = |v: i64| ((v as f64 / top * 5.0).ceil() as usize).clamp(1, 5) - 1;
    let mut svg = format!(
        r#"<svg class="chart map-chart" viewBox="-4 -4 {vw:.0} {h2:.0}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        vw = vw + 8.0,
        h2 = vh + 44.0,
        t = esc(title)
    );
    for a in areas {
        let fill = if a.value == 0 { "#f3f4f6" } else { SCALE[class(a.value)] };
        let _ = write!(svg, r#"<g><title>{}: {}</title>"#, esc(&a.name), a.value);
        for part in &a.parts {
            let mut d = String::new();
            for (i, &(x, y)) in part.iter().enumerate() {
                let px = (x - min_x) * k * scale;
                let py = (max_y - y) * scale;
                let _ = write!(d, "{}{px:.1},{py:.1}", if i == 0 { "M" } else { "L" });
            }
            let _ = write!(svg, r##"<path d="{d}Z" fill="{fill}" stroke="#ffffff" stroke-width="1.5"/>"##);
        }
        svg.push_str("</g>");
    }
    // The legend: the upper bound of each class.
    for (i, c) in SCALE.iter().enumerate() {
        let x = i as f64 * 80.0;
        let upto = (top / 5.0 * (i + 1) as f64).ceil() as i64;
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="{y}" width="14" height="14" fill="{c}" stroke="#9ca3af"/><text x="{tx}" y="{ty}" font-size="12" fill="{INK}">≤ {upto}</text>"##,
            y = vh + 16.0,
            tx = x + 18.0,
            ty = vh + 28.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_every_bar_is_drawn() {
        let svg = bars(
            "Instansi <x>",
            &[
                Bar { label: "Dinas \"A\" & B".into(), value: 2.0, text: "50 %".into() },
                Bar { label: "C".into(), value: 0.0, text: "0 %".into() },
            ],
            Some(4.0),
        );
        assert!(svg.contains("Instansi &lt;x&gt;"));
        assert!(svg.contains("Dinas &quot;A&quot; &amp; B"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(r#"width="150.0""#), "2 of 4 is half of 300");
    }

    #[test]
    fn a_map_shades_districts_by_their_value() {
        let square = |x: f64| vec![vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0), (x, 0.0)]];
        let svg = choropleth(
            "Peta",
            &[
                Area { parts: square(0.0), name: "Satu".into(), value: 10 },
                Area { parts: square(1.0), name: "Dua".into(), value: 0 },
            ],
        );
        assert!(svg.contains("<title>Satu: 10</title>"));
        assert!(svg.contains(SCALE[4]), "the largest value is darkest");
        assert!(svg.contains("#f3f4f6"), "nothing is pale grey");
        assert_eq!(choropleth("Peta", &[]), "");
    }
}
