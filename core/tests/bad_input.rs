//! Bad input never panics the loader and always names the file and the position.

mod common;

use std::path::Path;
use std::process::Command;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_helpdesk-sim-cli"))
}

/// Builds the folder of broken files the lint must survive.
fn bad_folder() -> std::path::PathBuf {
    let dir = common::scratch("bad");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    for e in std::fs::read_dir(&fixtures).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    // 8 MiB of text.
    let big = "// filler line to make this file far too large\n".repeat(8 * 1024 * 1024 / 48 + 1);
    std::fs::write(dir.join("huge.ron"), big).unwrap();
    // 20,000 nested parentheses.
    std::fs::write(
        dir.join("nested.ron"),
        format!("Scenario(id: {}{})", "(".repeat(20_000), ")".repeat(20_000)),
    )
    .unwrap();
    // 20,000 nested conditions where nesting is legal, so the parser really recurses.
    let deep = helpdesk_core::cli::template("deep").replace(
        "requires: [Known(\"no_network\")],",
        &format!(
            "requires: [{}Fixed{}],",
            "Not(".repeat(20_000),
            ")".repeat(20_000)
        ),
    );
    std::fs::write(dir.join("deep-conditions.ron"), deep).unwrap();
    // Binary junk with a NUL, and bytes that are not UTF-8.
    std::fs::write(
        dir.join("junk.ron"),
        [0x89u8, b'P', b'N', b'G', 0, 1, 2, 0xff, 0xfe],
    )
    .unwrap();
    std::fs::write(dir.join("latin1.ron"), b"Scenario(id: \"caf\xe9\")").unwrap();
    // A valid file whose references dangle.
    let dangling = helpdesk_core::cli::template("dangling")
        .replace(
            "Set(\"drive_mapped\", true)]",
            "Set(\"drive_mappd\", true)]",
        )
        .replace("Reveal(\"drive_gone\")", "Reveal(\"drive_gon\")")
        .replace("\"1202-1.5\"]", "\"1202-9.9\"]")
        .replace("cause: \"network\"", "cause: \"netwrk\"");
    std::fs::write(dir.join("dangling.ron"), dangling).unwrap();
    dir
}

#[test]
fn lint_reports_every_broken_file_with_a_position_and_never_panics() {
    let dir = bad_folder();
    let out = cli().arg("lint").arg(&dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "lint exits 1 on errors, never 101 (panic)\n{text}"
    );
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    for f in &files {
        let name = f.display().to_string();
        let line = text
            .lines()
            .find(|l| l.starts_with(&name))
            .unwrap_or_else(|| panic!("no error for {name}\n{text}"));
        let rest = &line[name.len()..];
        let pos: Vec<&str> = rest.trim_start_matches(':').splitn(3, ':').collect();
        assert!(
            pos.len() == 3 && pos[0].parse::<usize>().is_ok() && pos[1].parse::<usize>().is_ok(),
            "no line:col in `{line}`"
        );
    }
    let ron_files = files.len();
    assert!(
        text.contains(&format!("{ron_files} file(s) checked: 0 clean")),
        "{text}"
    );
}

#[test]
fn each_kind_of_bad_input_gets_a_useful_message() {
    let dir = bad_folder();
    let out = cli()
        .args(["lint", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diags: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("lint --format json prints JSON");
    let find = |file: &str| -> Vec<&serde_json::Value> {
        diags
            .iter()
            .filter(|d| d["file"].as_str().unwrap().ends_with(file))
            .collect()
    };
    let msg = |file: &str| {
        find(file)
            .iter()
            .map(|d| format!("{} {}", d["message"], d["hint"]))
            .collect::<Vec<_>>()
            .join(" | ")
    };

    assert!(
        msg("huge.ron").contains("at most 1024 KiB"),
        "{}",
        msg("huge.ron")
    );
    assert!(
        msg("nested.ron").contains("Expected string"),
        "{}",
        msg("nested.ron")
    );
    assert!(
        msg("deep-conditions.ron").contains("nested more than 64 deep"),
        "{}",
        msg("deep-conditions.ron")
    );
    assert!(msg("junk.ron").contains("binary"), "{}", msg("junk.ron"));
    assert!(msg("latin1.ron").contains("UTF-8"), "{}", msg("latin1.ron"));
    assert!(msg("empty.ron").contains("empty"), "{}", msg("empty.ron"));
    assert!(
        msg("not-a-scenario.ron").contains("JSON"),
        "{}",
        msg("not-a-scenario.ron")
    );
    assert!(
        msg("unknown-field.ron").contains("did you mean `title`"),
        "{}",
        msg("unknown-field.ron")
    );
    assert!(
        msg("unknown-variant.ron").contains("did you mean `Phone`"),
        "{}",
        msg("unknown-variant.ron")
    );
    assert!(
        msg("wrong-type.ron").to_lowercase().contains("expected"),
        "{}",
        msg("wrong-type.ron")
    );
    assert_eq!(
        find("syntax-error.ron")[0]["line"],
        4,
        "the missing comma is reported where the next field starts"
    );

    // Dangling references: all of them at once, each with a path and a suggestion.
    let d = find("dangling.ron");
    assert_eq!(d.len(), 4, "{d:#?}");
    let all = msg("dangling.ron");
    for want in [
        "did you mean `drive_mapped`?",
        "did you mean `drive_gone`?",
        "unknown A+ objective `1202-9.9`",
        "did you mean `network`?",
    ] {
        assert!(all.contains(want), "missing `{want}` in {all}");
    }
    assert!(
        d.iter()
            .all(|x| x["path"].is_string() && x["line"].is_number())
    );
}

#[test]
fn missing_paths_and_empty_folders_are_errors() {
    let out = cli()
        .arg("lint")
        .arg("/nonexistent/helpdesk-folder")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("/nonexistent/helpdesk-folder: error: cannot read")
    );
    // A folder with no .ron files (a JSON file is not a scenario and is not read).
    let dir = common::scratch("empty-folder");
    std::fs::write(dir.join("notes.json"), "{}").unwrap();
    let out = cli().arg("lint").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no scenario files"));
}

/// 1-based line and column of byte `at` in `text`.
fn pos(text: &str, at: usize) -> (usize, usize) {
    helpdesk_core::diag::line_col(text, at)
}

/// A wrong comparison is reported where it is written, not where the fact is declared.
#[test]
fn a_type_mismatch_points_at_the_comparison_not_the_declaration() {
    let text = helpdesk_core::cli::template("mismatch").replace(
        "requires: [Fact(\"on_network\", true)],",
        "requires: [Fact(\"on_network\", \"yes\")],",
    );
    let errors = common::compile(&text).unwrap_err();
    let d = errors
        .iter()
        .find(|d| {
            d.message
                .contains("holds true/false but is compared with text")
        })
        .unwrap_or_else(|| panic!("{errors:?}"));
    let at = text.find("Fact(\"on_network\", \"yes\")").unwrap() + "Fact(".len();
    assert_eq!((d.line.unwrap(), d.col.unwrap()), pos(&text, at), "{d}");
    assert_eq!(d.path.as_deref(), Some("actions[3].requires[0]"));
    assert_ne!(
        d.line.unwrap(),
        pos(&text, text.find("\"on_network\": true").unwrap()).0
    );
}

/// Three uses of one unknown name are three errors at three places; the duplicate id is reported at
/// its second use, and the hint lists each known name once.
#[test]
fn each_use_of_an_unknown_name_gets_its_own_position() {
    let text = helpdesk_core::cli::template("dupes")
        .replace("id: \"confirm\"", "id: \"remap\"")
        .replace(
            "requires: [Known(\"no_network\")],",
            "requires: [Known(\"no_network\"), Done(\"confirm\")],",
        );
    let errors = common::compile(&text).unwrap_err();
    let dup = errors
        .iter()
        .find(|d| d.message == "action id `remap` is used twice")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(dup.path.as_deref(), Some("actions[4].id"));
    let second = text.rfind("id: \"remap\"").unwrap() + "id: ".len();
    assert_eq!((dup.line.unwrap(), dup.col.unwrap()), pos(&text, second));
    assert!(dup.to_string().contains("(the 5th of `actions`)"), "{dup}");

    let unknown: Vec<_> = errors
        .iter()
        .filter(|d| d.message == "unknown action `confirm`")
        .collect();
    let paths: Vec<&str> = unknown.iter().filter_map(|d| d.path.as_deref()).collect();
    assert_eq!(
        paths,
        [
            "actions[2].requires[1]",
            "walkthroughs[\"lost_mapping\"][4]",
            "walkthroughs[\"offline\"][4]"
        ]
    );
    let uses: Vec<(usize, usize)> = text
        .match_indices("\"confirm\"")
        .map(|(i, _)| pos(&text, i))
        .collect();
    let got: Vec<(usize, usize)> = unknown
        .iter()
        .map(|d| (d.line.unwrap(), d.col.unwrap()))
        .collect();
    assert_eq!(got, uses, "each error at its own use");
    for d in &unknown {
        let hint = d.hint.as_deref().unwrap_or_default();
        assert_eq!(hint.matches("remap").count(), 1, "{hint}");
    }
}

/// A curly quotation mark pasted from a word processor is named as such, as the guide says.
#[test]
fn a_typographic_quote_is_named_in_the_message() {
    let text = helpdesk_core::cli::template("curly").replace(
        "title: \"Shared drive letter missing\"",
        "title: “Shared drive letter missing”",
    );
    let errors = common::compile(&text).unwrap_err();
    let d = &errors[0];
    assert!(
        d.message.starts_with("typographic quotation mark `“`"),
        "{d}"
    );
    let at = text.find('“').unwrap();
    assert_eq!((d.line.unwrap(), d.col.unwrap()), pos(&text, at));
    let guide = std::fs::read_to_string(common::library_dir().join("README.md")).unwrap();
    assert!(
        guide.contains("typographic quotation mark `“` where a straight quote"),
        "the authoring guide shows the message the program gives"
    );
}

/// The objective catalogue beside the scenarios is recognised and skipped with a note.
#[test]
fn lint_skips_the_objective_catalogue_with_a_note() {
    let dir = common::scratch("lint-catalogue");
    std::fs::write(
        dir.join("starter.ron"),
        helpdesk_core::cli::template("starter"),
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/objectives.ron"),
        dir.join("objectives.ron"),
    )
    .unwrap();
    std::fs::write(dir.join("broken.ron"), "(exams: [ nonsense").unwrap();
    let out = cli().arg("lint").arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("objectives.ron: skipped: an A+ objective catalogue, not a scenario"),
        "{stderr}"
    );
    assert!(!stdout.contains("objectives.ron"), "{stdout}");
    // A broken file is still a broken file, even if it looks a little like a catalogue.
    assert!(stdout.contains("broken.ron"), "{stdout}");
    assert!(
        stdout.contains(
            "2 file(s) checked: 1 clean, 1 error(s) in 1 file(s) (1 other data file(s) skipped)"
        ),
        "{stdout}"
    );
    std::fs::remove_file(dir.join("broken.ron")).unwrap();
    let out = cli().arg("lint").arg(&dir).output().unwrap();
    assert!(out.status.success());
}

/// A line may depend on the variant (an explanation that fits the real cause); what is on offer may not.
#[test]
fn variant_conditions_are_for_lines_not_for_what_may_be_done() {
    let text = helpdesk_core::cli::template("by-variant").replace(
        "caller: [If(Fixed, [Line(\"Yes, my files are all there.\")], [Line(\"No, still nothing.\")])],",
        "caller: [If(Variant(\"offline\"), [Line(\"The cable again, then.\")], [Line(\"So it was the mapping.\")])],",
    );
    assert!(text.contains("Variant(\"offline\")"));
    let sc = std::sync::Arc::new(common::compile(&text).expect("a line may depend on the variant"));
    for (variant, said) in [
        ("offline", "The cable again, then."),
        ("lost_mapping", "So it was the mapping."),
    ] {
        let v = sc.variant(variant).unwrap();
        let mut s = helpdesk_core::Session::with_variant(sc.clone(), 1, Some(v));
        while let Some(r) = helpdesk_core::solver::best_reply(&s.world, &s.state) {
            s.apply(r).unwrap();
        }
        let cmd = helpdesk_core::engine::parse_key(&s.world, &s.state, "confirm").unwrap();
        let events = s.apply(cmd).unwrap();
        assert!(
            events
                .iter()
                .any(|e| matches!(e, helpdesk_core::Event::CallerSays(t) if t == said)),
            "{variant}: {events:?}"
        );
    }
    let gated = helpdesk_core::cli::template("gated").replace(
        "requires: [Known(\"no_network\")],",
        "requires: [Not(Variant(\"lost_mapping\"))],",
    );
    let errors = common::compile(&gated).unwrap_err();
    let d = errors
        .iter()
        .find(|d| {
            d.message
                .starts_with("`requires` cannot depend on the variant")
        })
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(d.path.as_deref(), Some("actions[2].requires[0]"));
    let at = gated.find("Not(Variant(").unwrap() + "Not(".len();
    assert_eq!(
        (d.line.unwrap(), d.col.unwrap()),
        helpdesk_core::diag::line_col(&gated, at)
    );
}

/// A ticket that loads can still give its answers away: lint warns, with the place and a hint, and
/// still succeeds.
#[test]
fn lint_warns_about_cues_that_give_answers_away() {
    let dir = common::scratch("lint-cues");
    let text = helpdesk_core::cli::template("starter");
    std::fs::write(dir.join("starter.ron"), &text).unwrap();
    let out = cli().arg("lint").arg(&dir).output().unwrap();
    assert!(out.status.success(), "warnings do not fail lint");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let longest = text.find("(text: \"Let's get that back").unwrap() + 1;
    let (l, c) = helpdesk_core::diag::line_col(&text, longest);
    assert!(
        stdout.contains(&format!(
            "starter.ron:{l}:{c}: warning: moment `opening`: the best reply is the longest"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("warning: moment `opening`: only one reply earns points"));
    let railroad = text.find("requires: [Known(\"no_network\")]").unwrap() + "requires: [".len();
    let (l, c) = helpdesk_core::diag::line_col(&text, railroad);
    assert!(
        stdout.contains(&format!(
            "starter.ron:{l}:{c}: warning: the fix `reseat_cable` is offered only once `no_network` is known"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 clean, 0 error(s) in 0 file(s); 3 warning(s)"),
        "{stdout}"
    );
    // Equal lengths and a second reply with partial credit clear the reply warnings.
    let mended = text
        .replace(
            "(text: \"Probably a GPO or SMB issue on your endpoint.\",",
            "(text: \"That will be a drive mapping issue; I can fix it from here, hold on.\",",
        )
        .replace(
            "tones: [Jargon], mood: 8, points: -3,\n                 reason: \"Answered a worried user with unexplained jargon\"),",
            "tones: [Plain, Ownership], mood: -2, points: 2,\n                 reason: \"Took ownership, but guessed the cause before asking anything\"),\n                (text: \"Drive letters vanish sometimes. Reboot and it comes back, usually.\",\n                 tones: [Dismissive], mood: 6, points: -3,\n                 reason: \"Brushed off a worried user with a guess\"),",
        );
    std::fs::write(dir.join("starter.ron"), &mended).unwrap();
    let out = cli().arg("lint").arg(&dir).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("moment `opening`"), "{stdout}");
    assert!(
        stdout.contains("1 warning(s)"),
        "the railroad is still there: {stdout}"
    );
}
