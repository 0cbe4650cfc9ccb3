//! A picture of the context map: bounded contexts as boxes where the model places them,
//! relationships as lines between their borders, labelled with the pattern, and U/D badges
//! (with the roles) at the ends of asymmetric ones.

use std::fmt::Write;

use model::domain::{
    BoundedContext, DomainModel, DownstreamRole, RelationshipPattern, UpstreamRole,
};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn centre(c: &BoundedContext) -> (f64, f64) {
    (c.x + c.w / 2.0, c.y + c.h / 2.0)
}

/// Where the line from the centre of `c` towards `(tx, ty)` leaves its box.
fn border(c: &BoundedContext, (tx, ty): (f64, f64)) -> (f64, f64) {
    let (cx, cy) = centre(c);
    let (dx, dy) = (tx - cx, ty - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let sx = if dx != 0.0 {
        (c.w / 2.0) / dx.abs()
    } else {
        f64::INFINITY
    };
    let sy = if dy != 0.0 {
        (c.h / 2.0) / dy.abs()
    } else {
        f64::INFINITY
    };
    let s = sx.min(sy);
    (cx + dx * s, cy + dy * s)
}

/// Whether the segment a → b passes through box `c` (sampled: boxes are large next to
/// the steps).
fn segment_hits_box(a: (f64, f64), b: (f64, f64), c: &BoundedContext) -> bool {
    (1..40).any(|i| {
        let t = f64::from(i) / 40.0;
        let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        x > c.x && x < c.x + c.w && y > c.y && y < c.y + c.h
    })
}

/// A badge (a small labelled box) near an end of a relationship.
fn badge(out: &mut String, (x, y): (f64, f64), text: &str) {
    let w = 12.0 + 7.0 * text.chars().count() as f64;
    let _ = writeln!(
        out,
        r##"<g class="badge"><rect x="{:.1}" y="{:.1}" width="{w:.1}" height="18" rx="3" fill="#fff" stroke="#555"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text></g>"##,
        x - w / 2.0,
        y - 9.0,
        y + 4.0,
        esc(text)
    );
}

/// The context map of `model` as an SVG document.
pub fn to_svg(model: &DomainModel) -> String {
    let (mut minx, mut miny, mut maxx, mut maxy) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for c in &model.contexts {
        minx = minx.min(c.x);
        miny = miny.min(c.y);
        maxx = maxx.max(c.x + c.w);
        maxy = maxy.max(c.y + c.h);
    }
    if model.contexts.is_empty() {
        (minx, miny, maxx, maxy) = (0.0, 0.0, 320.0, 60.0);
    }
    let mut out = String::new();
    for r in &model.relationships {
        let (Some(a), Some(b)) = (model.context(&r.upstream), model.context(&r.downstream)) else {
            continue;
        };
        // A straight line, or a curve bent aside when the line would cross another context
        // (or run along another relationship between the same two).
        let (ca, cb) = (centre(a), centre(b));
        let crosses = model
            .contexts
            .iter()
            .any(|c| c.id != a.id && c.id != b.id && segment_hits_box(ca, cb, c));
        let twin = model
            .relationships
            .iter()
            .take_while(|x| x.id != r.id)
            .any(|x| {
                (x.upstream == r.upstream && x.downstream == r.downstream)
                    || (x.upstream == r.downstream && x.downstream == r.upstream)
            });
        let ctrl = if crosses || twin {
            let (dx, dy) = (cb.0 - ca.0, cb.1 - ca.1);
            let bend = if twin { 0.25 } else { 0.35 };
            (
                (ca.0 + cb.0) / 2.0 - dy * bend,
                (ca.1 + cb.1) / 2.0 + dx * bend,
            )
        } else {
            ((ca.0 + cb.0) / 2.0, (ca.1 + cb.1) / 2.0)
        };
        let p = border(a, ctrl);
        let q = border(b, ctrl);
        // The middle of the quadratic curve p → q around ctrl.
        let mid = (
            0.25 * p.0 + 0.5 * ctrl.0 + 0.25 * q.0,
            0.25 * p.1 + 0.5 * ctrl.1 + 0.25 * q.1,
        );
        minx = minx.min(mid.0 - 80.0);
        maxx = maxx.max(mid.0 + 80.0);
        miny = miny.min(mid.1 - 20.0);
        maxy = maxy.max(mid.1 + 10.0);
        let label = match r.pattern {
            RelationshipPattern::Partnership => "Partnership",
            RelationshipPattern::SharedKernel => "Shared Kernel",
            RelationshipPattern::CustomerSupplier => "Customer/Supplier",
            RelationshipPattern::UpstreamDownstream => "Upstream/Downstream",
            RelationshipPattern::SeparateWays => "Separate Ways",
        };
        let dash = if r.pattern == RelationshipPattern::SeparateWays {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r##"<g class="relationship"><path d="M {:.1} {:.1} Q {:.1} {:.1} {:.1} {:.1}" fill="none" stroke="#333" stroke-width="1.5"{dash}/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#fff" stroke="#fff" stroke-width="4">{label}</text><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#333">{label}</text></g>"##,
            p.0,
            p.1,
            ctrl.0,
            ctrl.1,
            q.0,
            q.1,
            mid.0,
            mid.1 - 6.0,
            mid.0,
            mid.1 - 6.0,
            label = esc(&match &r.name {
                Some(n) => format!("{label}: {n}"),
                None => label.to_string(),
            })
        );
        // Badges just off each end, along the curve's tangent (towards the control point).
        let at = |from: (f64, f64)| {
            let (dx, dy) = (ctrl.0 - from.0, ctrl.1 - from.1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let d = 30.0_f64.min(len / 2.0);
            (from.0 + dx * d / len, from.1 + dy * d / len)
        };
        if r.pattern.is_symmetric() {
            let tag = match r.pattern {
                RelationshipPattern::Partnership => "P",
                RelationshipPattern::SharedKernel => "SK",
                _ => continue,
            };
            badge(&mut out, at(p), tag);
            badge(&mut out, at(q), tag);
        } else {
            let mut up = vec!["U"];
            up.extend(r.upstream_roles.iter().map(|x| match x {
                UpstreamRole::OpenHostService => "OHS",
                UpstreamRole::PublishedLanguage => "PL",
            }));
            let mut down = vec!["D"];
            down.extend(r.downstream_roles.iter().map(|x| match x {
                DownstreamRole::AnticorruptionLayer => "ACL",
                DownstreamRole::Conformist => "CF",
            }));
            badge(&mut out, at(p), &up.join(","));
            badge(&mut out, at(q), &down.join(","));
        }
    }
    for c in &model.contexts {
        let _ = writeln!(
            out,
            r##"<g class="context"><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="16" fill="#eef4fb" stroke="#2b5d8a" stroke-width="2"/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="14" font-weight="bold">{}</text></g>"##,
            c.x,
            c.y,
            c.w,
            c.h,
            c.x + c.w / 2.0,
            c.y + c.h / 2.0 + 5.0,
            esc(&c.name)
        );
    }
    out.push_str("</svg>\n");
    let pad = 40.0;
    let (w, h) = (maxx - minx + 2.0 * pad, maxy - miny + 2.0 * pad);
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{:.1} {:.1} {w:.1} {h:.1}" width="{w:.0}" height="{h:.0}" font-family="sans-serif">
{out}"#,
        minx - pad,
        miny - pad,
    )
}
