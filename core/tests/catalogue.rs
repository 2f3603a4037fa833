//! The A+ objective catalogue.

use helpdesk_core::Catalogue;
use std::path::Path;

#[test]
fn the_bundled_catalogue_has_both_exams_with_their_weights() {
    let cat = Catalogue::bundled();
    let core1 = cat.exam("1201").unwrap();
    let core2 = cat.exam("1202").unwrap();
    assert_eq!(
        core1.domains.iter().map(|d| d.weight).collect::<Vec<_>>(),
        vec![13, 23, 25, 11, 28]
    );
    assert_eq!(
        core2.domains.iter().map(|d| d.weight).collect::<Vec<_>>(),
        vec![28, 28, 23, 21]
    );
    assert_eq!((core1.pass, core2.pass), (675, 700));
    assert_eq!(
        core1
            .domains
            .iter()
            .map(|d| d.objectives.len())
            .sum::<usize>(),
        27
    );
    assert_eq!(
        core2
            .domains
            .iter()
            .map(|d| d.objectives.len())
            .sum::<usize>(),
        36
    );
    let o = cat.objective("1202-4.7").unwrap();
    assert_eq!(o.domain_id(), "1202-4");
    assert!(cat.objective("1202-9.9").is_none());
}

#[test]
fn a_broken_catalogue_is_reported_not_loaded() {
    let text = helpdesk_core::objectives::BUNDLED
        .replace("weight: 13", "weight: 14")
        .replace("(number: \"5.6\"", "(number: \"4.6\"");
    let errs = Catalogue::parse(Path::new("objectives.ron"), &text).unwrap_err();
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(all.iter().any(|e| e.contains("add up to 101")), "{all:?}");
    assert!(
        all.iter()
            .any(|e| e.contains("1201-4.6 does not belong to domain 5")),
        "{all:?}"
    );
}
