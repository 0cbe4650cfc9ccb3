//! A fuzzing stand-in that runs on stable Rust: thousands of deterministic pseudo-random
//! mutations of the fixtures (pinned seed, bounded time). Import must never panic; what it
//! accepts must export, import again, and export to the same text, and lay out (with and
//! without its diagrams) into something that exports and imports again.
//! The coverage-guided target is `fuzz/fuzz_targets/bpmn_import.rs` (cargo-fuzz, nightly).

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use common::*;
use formats::bpmn::layout::ensure_layout;
use formats::bpmn::{BpmnModel, DefinitionsContent, PlaneContent, export, import};

const SEED: u64 = 0x7269_6c6f_6f70_2d31;
const MAX_CASES: usize = 40_000;
const MIN_CASES: usize = 3_000;
const BUDGET: Duration = Duration::from_secs(6);

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"/>",
    b"\"",
    b"'",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"&#xD800;",
    b"&unknown;",
    b"<![CDATA[",
    b"]]>",
    b"<!--",
    b"-->",
    b"<?pi x?>",
    b" xmlns=\"\"",
    b" xmlns:a=\"urn:a\"",
    b" xmlns:bpmn=\"urn:other\"",
    b" a:b=\"c\"",
    b" id=\"dup\"",
    b" id=\"N1\"",
    b"<bpmn:task id=\"dup\"/>",
    b"<task id=\"t\"/>",
    b"</bpmn:process>",
    b"<bpmn:sequenceFlow id=\"sf\" sourceRef=\"dup\" targetRef=\"dup\"/>",
    b"<bpmndi:BPMNShape id=\"s\"><dc:Bounds x=\"1\" y=\"2\" width=\"3\" height=\"4\"/></bpmndi:BPMNShape>",
    b"<di:waypoint x=\"NaN\" y=\"1e999\"/>",
    b" isHorizontal=\"maybe\"",
    b" bpmnElement=\"\"",
    b":",
    b"\xFF",
    b"\xC3",
    b"\x00",
    b"\r\n",
    b"\t",
    b"<?xml version=\"1.0\"?>",
    b"<!DOCTYPE a>",
    b"\xEF\xBB\xBF",
];

/// Values that keep a document well-formed but may break what it means.
const VALUES: &[&str] = &[
    "",
    "dup",
    "N1",
    "Task_1",
    "StartEvent_1",
    "SequenceFlow_1",
    "true",
    "0",
    "maybe",
    "NaN",
    "-1e308",
    "1e400",
    "a:b",
    "x:y:z",
    "&lt;&amp;&gt;",
    "&#10;",
    "\u{e9}\u{1F600}",
    "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "http://www.omg.org/spec/BPMN/20100524/DI",
];

/// The byte ranges of the lines of `b`.
fn lines(b: &[u8]) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            v.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < b.len() {
        v.push((start, b.len()));
    }
    v
}

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut b = input.to_vec();
    for _ in 0..1 + rng.below(3) {
        let len = b.len();
        let ls = lines(&b);
        match rng.below(10) {
            // Line-level edits mostly keep the document well-formed (many lines are whole
            // elements) and exercise the model instead of the parser.
            6 if !ls.is_empty() => {
                let (s, e) = ls[rng.below(ls.len())];
                let chunk = b[s..e].to_vec();
                let (at, _) = ls[rng.below(ls.len())];
                b.splice(at..at, chunk);
            }
            7 if !ls.is_empty() => {
                let (s, e) = ls[rng.below(ls.len())];
                b.drain(s..e);
            }
            8 if ls.len() > 1 => {
                let i = rng.below(ls.len() - 1);
                let (s1, e1) = ls[i];
                let (s2, e2) = ls[i + 1];
                let mut swapped = b[s2..e2].to_vec();
                swapped.extend_from_slice(&b[s1..e1]);
                b.splice(s1..e2, swapped);
            }
            9 => {
                // Replace an attribute value.
                let starts: Vec<usize> = (0..len.saturating_sub(1))
                    .filter(|&i| b[i] == b'=' && b[i + 1] == b'"')
                    .collect();
                if !starts.is_empty() {
                    let s = starts[rng.below(starts.len())] + 2;
                    if let Some(e) = b[s..].iter().position(|&c| c == b'"') {
                        let v = VALUES[rng.below(VALUES.len())].as_bytes().to_vec();
                        b.splice(s..s + e, v);
                    }
                }
            }
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next() as u8;
            }
            1 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below(32).min(len - i - 1);
                b.drain(i..i + n);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below(64).min(len - i - 1);
                let chunk = b[i..i + n].to_vec();
                let at = rng.below(len);
                b.splice(at..at, chunk);
            }
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len + 1);
                b.splice(at..at, t.iter().copied());
            }
            4 if len > 0 => {
                b.truncate(rng.below(len));
            }
            5 => {
                // Replace one quote with a token.
                if let Some(q) = (0..8)
                    .map(|_| rng.below(len.max(1)))
                    .find(|&i| b.get(i) == Some(&b'"'))
                {
                    let t = TOKENS[rng.below(TOKENS.len())];
                    b.splice(q..q + 1, t.iter().copied());
                }
            }
            _ => {}
        }
    }
    b
}

/// The property: no panic; an accepted input exports to something that imports again and
/// exports to the same text; the automatic layout, of the model as it is and without its
/// diagrams, exports to something that imports again and leaves nothing for a second pass.
fn check(input: &[u8]) -> Result<bool, String> {
    let Ok(m) = import(input) else {
        return Ok(false);
    };
    let out = export(&m);
    let m2 = import(out.as_bytes()).map_err(|e| format!("export does not re-import: {e}"))?;
    let out2 = export(&m2);
    if out2 != out {
        return Err("export is not stable".to_string());
    }
    let mut stripped = m.clone();
    stripped
        .content
        .retain(|c| !matches!(c, DefinitionsContent::Diagram(_)));
    let first_plane = |m: &BpmnModel| -> Vec<PlaneContent> {
        m.diagrams()
            .next()
            .and_then(|d| d.plane.as_ref())
            .map(|p| p.content.clone())
            .unwrap_or_default()
    };
    for (what, mut l) in [("as it is", m), ("without DI", stripped)] {
        let before = first_plane(&l).len();
        ensure_layout(&mut l);
        let out = export(&l);
        import(out.as_bytes())
            .map_err(|e| format!("layout ({what}): the export does not re-import: {e}"))?;
        for c in first_plane(&l).iter().skip(before) {
            let finite = match c {
                PlaneContent::Shape(s) => s
                    .bounds
                    .is_some_and(|b| [b.x, b.y, b.width, b.height].iter().all(|v| v.is_finite())),
                PlaneContent::Edge(e) => {
                    e.waypoints.len() >= 2
                        && e.waypoints
                            .iter()
                            .all(|p| p.x.is_finite() && p.y.is_finite())
                }
                PlaneContent::Raw(_) => false,
            };
            if !finite {
                return Err(format!("layout ({what}): added {c:?}"));
            }
        }
        let again = ensure_layout(&mut l);
        if again.shapes_added + again.edges_added > 0 {
            return Err(format!("layout ({what}): a second pass added {again}"));
        }
    }
    Ok(true)
}

#[test]
fn mutated_fixtures_never_panic_and_accepted_ones_round_trip() {
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    for dir in ["miwg-reference", "moddle", "moddle/error", "moddle/di"] {
        for p in files(&fixtures().join(dir), "") {
            let bytes = std::fs::read(&p).expect("read");
            if bytes.len() <= 24_000 {
                corpus.push(bytes);
            }
        }
    }
    corpus.push(generate::chain(12).into_bytes());
    corpus.push(generate::without_di(40).into_bytes());
    assert!(corpus.len() > 50, "{}", corpus.len());

    // BPMN_MUTATION_SEED and BPMN_MUTATION_SECS explore further by hand.
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let seed = env("BPMN_MUTATION_SEED").unwrap_or(SEED).max(1);
    let (budget, max_cases) = match env("BPMN_MUTATION_SECS") {
        Some(secs) => (Duration::from_secs(secs), usize::MAX),
        None => (BUDGET, MAX_CASES),
    };
    let mut rng = Rng(seed);
    let start = Instant::now();
    let (mut cases, mut accepted) = (0, 0);
    while cases < max_cases && (cases < MIN_CASES || start.elapsed() < budget) {
        let base = &corpus[rng.below(corpus.len())];
        let input = mutate(&mut rng, base);
        cases += 1;
        match catch_unwind(AssertUnwindSafe(|| check(&input))) {
            Ok(Ok(true)) => accepted += 1,
            Ok(Ok(false)) => {}
            outcome => {
                let path = std::env::temp_dir().join(format!("bpmn-mutation-{cases}.bpmn"));
                let _ = std::fs::write(&path, &input);
                let why = match outcome {
                    Ok(Err(why)) => why,
                    _ => "import or export panicked".to_string(),
                };
                panic!("case {cases}: {why}; input saved to {}", path.display());
            }
        }
    }
    eprintln!(
        "{cases} mutated inputs in {:.1} s, {accepted} accepted",
        start.elapsed().as_secs_f64()
    );
    assert!(cases >= MIN_CASES);
    assert!(
        accepted > 0 && accepted < cases,
        "{accepted} of {cases} accepted"
    );
}
