//! The SVG picture of every MIWG reference model is well-formed XML and draws every shape.

use std::path::Path;

use formats::bpmn::{self, PlaneContent};
use quick_xml::events::Event;

#[test]
fn every_miwg_model_draws_as_well_formed_svg() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/bpmn/miwg-reference");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let model = bpmn::import(&std::fs::read(&f).unwrap()).unwrap();
        let svg = bpmn::to_svg(&model);
        let mut reader = quick_xml::Reader::from_str(&svg);
        let mut drawn = 0usize;
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Empty(e) | Event::Start(e)) => {
                    let name = e.local_name().into_inner().to_string();
                    if ["rect", "circle", "polygon", "path", "polyline"].contains(&name.as_str()) {
                        drawn += 1;
                    }
                }
                Ok(_) => {}
                Err(e) => panic!(
                    "{}: not well-formed at {}: {e}",
                    f.display(),
                    reader.buffer_position()
                ),
            }
        }
        let items = model
            .diagrams()
            .find_map(|d| d.plane.as_ref())
            .into_iter()
            .flat_map(|p| p.content.iter())
            .filter(|c| matches!(c, PlaneContent::Shape(_) | PlaneContent::Edge(_)))
            .count();
        // Every shape and edge of the first diagram (the one drawn) draws at least one element.
        assert!(
            drawn >= items,
            "{}: {drawn} drawn for {items} diagram elements",
            f.display()
        );
    }
}

#[test]
fn a_model_without_diagram_says_so() {
    let model = bpmn::import(br#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t"><process id="p"><task id="t1"/></process></definitions>"#).unwrap();
    assert!(bpmn::to_svg(&model).contains("No diagram information"));
}
