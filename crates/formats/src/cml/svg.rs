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
    let pad = 40.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{:.1} {:.1} {:.1} {:.1}" width="{:.0}" height="{:.0}" font-family="sans-serif">"#,
        minx - pad,
        miny - pad,
        maxx - minx + 2.0 * pad,
        maxy - miny + 2.0 * pad,
        maxx - minx + 2.0 * pad,
        maxy - miny + 2.0 * pad
    );
    for r in &model.relationships {
        let (Some(a), Some(b)) = (model.context(&r.upstream), model.context(&r.downstream)) else {
            continue;
        };
        let p = border(a, centre(b));
        let q = border(b, centre(a));
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
            r##"<g class="relationship"><line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333" stroke-width="1.5"{dash}/><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#333">{}</text></g>"##,
            p.0,
            p.1,
            q.0,
            q.1,
            (p.0 + q.0) / 2.0,
            (p.1 + q.1) / 2.0 - 6.0,
            esc(&match &r.name {
                Some(n) => format!("{label}: {n}"),
                None => label.to_string(),
            })
        );
        // Badges a fifth of the way in from each end.
        let at = |from: (f64, f64), to: (f64, f64)| {
            (
                from.0 + (to.0 - from.0) * 0.2,
                from.1 + (to.1 - from.1) * 0.2,
            )
        };
        if r.pattern.is_symmetric() {
            let tag = match r.pattern {
                RelationshipPattern::Partnership => "P",
                RelationshipPattern::SharedKernel => "SK",
                _ => continue,
            };
            badge(&mut out, at(p, q), tag);
            badge(&mut out, at(q, p), tag);
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
            badge(&mut out, at(p, q), &up.join(","));
            badge(&mut out, at(q, p), &down.join(","));
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
    out
}
