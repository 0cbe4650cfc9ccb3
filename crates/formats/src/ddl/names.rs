//! SQL names from model names: snake_case, unique within their scope, and cut to a
//! dialect's length limit with a stable hash so that cut names stay distinct.

use std::collections::HashSet;

/// `CargoBookingContext` → `cargo_booking_context`, `HTTPServer` → `http_server`,
/// `客户 信息` → `客户_信息`. Letters of any script are kept (the SQL writer quotes every
/// name, so they are valid on all four engines); anything else becomes `_`.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && i > 0 {
                let prev = chars[i - 1];
                let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
                if prev.is_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_uppercase() && next_lower)
                {
                    out.push('_');
                }
            }
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.is_empty() {
        "x".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Names already given in one scope (a schema's tables, a table's columns).
#[derive(Default)]
pub struct Scope(HashSet<String>);

impl Scope {
    /// `name`, or `name_2`, `name_3`, … when taken.
    pub fn unique(&mut self, name: String) -> String {
        if self.0.insert(name.clone()) {
            return name;
        }
        (2..)
            .map(|n| format!("{name}_{n}"))
            .find(|c| self.0.insert(c.clone()))
            .unwrap_or(name)
    }
}

/// FNV-1a: a small stable hash (the same on every run and platform).
fn fnv(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `name` if it has at most `max` bytes; else its longest prefix that leaves room for `_`
/// and eight hex digits of the whole name's hash.
pub fn fit(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let mut cut = max.saturating_sub(9);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{:08x}", &name[..cut], fnv(name))
}
