//! `new`: writes a starter scenario that already lints clean and can be won, so an author edits a
//! working ticket instead of a blank page.

use crate::objectives::Catalogue;
use crate::scenario::{self, validate::is_ident};
use std::path::{Path, PathBuf};

const TEMPLATE: &str = r#"// Starter scenario written by `{PROGRAM} new`. Replace the text, keep the shape.
// Check it with `{PROGRAM} lint FILE` and `{PROGRAM} solve FILE`; the app reloads it on save.
Scenario(
    id: "{ID}",
    title: "Shared drive letter missing",
    summary: "{caller} says the S: drive has vanished from File Explorer.",
    channel: Phone,
    difficulty: 1,
    minutes: 12,
    sla_minutes: 30,
    category: Software,
    priority: 4,
    objectives: ["1202-3.1", "1202-1.5", "1202-4.7"],
    tags: ["starter"],
    caller: (
        names: ["Robin Hale", "Sam Okafor"],
        roles: ["Office coordinator"],
        tech_level: Novice,
        traits: [Anxious],
        frustration: (20, 35),
        patience: 85,
        drift: 0.5,
    ),
    facts: {
        "drive_mapped": false,
        "on_network": true,
    },
    clues: {
        "drive_gone": "The S: drive is missing after sign-in",
        "map_missing": "net use lists no S: mapping",
        "no_network": "The PC has no network connection",
    },
    theories: [
        (id: "mapping", text: "The drive mapping was lost"),
        (id: "network", text: "The PC is offline, so the share cannot be reached"),
    ],
    variants: [
        (
            id: "lost_mapping",
            description: "The sign-in script did not run, so the mapping is missing.",
            cause: "mapping",
            fixed_when: [Fact("drive_mapped", true)],
            key_clues: ["drive_gone", "map_missing"],
        ),
        (
            id: "offline",
            description: "The network cable was pulled; the mapping cannot reconnect.",
            cause: "network",
            facts: { "on_network": false },
            fixed_when: [Fact("on_network", true), Fact("drive_mapped", true)],
            key_clues: ["drive_gone", "no_network"],
        ),
    ],
    actions: [
        (
            id: "ask_symptom",
            label: "Ask what exactly is missing and since when",
            kind: Ask, step: Identify, minutes: 2,
            effects: [Reveal("drive_gone"), Score(3, "Pinned down the symptom and when it started")],
            caller: [Line("The S: drive just isn't there since I logged in this morning.")],
        ),
        (
            id: "net_use",
            label: "Run `net use` on the PC remotely",
            kind: Tool, step: Test, minutes: 2,
            effects: [If(Fact("on_network", true), [Reveal("map_missing")], [Reveal("no_network")])],
            console: [
                If(Fact("on_network", true),
                    [Line("New connections will be remembered.\nThere are no entries in the list.")],
                    [Line("System error 53 has occurred.\nThe network path was not found.")]),
            ],
            objectives: ["1202-1.5"],
        ),
        (
            id: "reseat_cable",
            label: "Ask the user to check the network cable is plugged in",
            kind: Instruct, step: Fix, minutes: 3,
            requires: [Known("no_network")],
            effects: [Set("on_network", true), Set("drive_mapped", true), Score(4, "Fixed the cause, not the symptom")],
            caller: [Line("Oh! It had come out of the wall. The drive is back.")],
        ),
        (
            id: "remap",
            label: "Re-map S: to the department share",
            kind: RemoteFix, step: Fix, minutes: 3,
            requires: [Fact("on_network", true)],
            effects: [Set("drive_mapped", true)],
            console: [Line("The command completed successfully.")],
        ),
        (
            id: "confirm",
            label: "Ask the user to open a file on S:",
            kind: Verify, step: Verify, minutes: 1,
            caller: [If(Fixed, [Line("Yes, my files are all there.")], [Line("No, still nothing.")])],
        ),
    ],
    moments: [
        (
            id: "opening",
            trigger: Start,
            line: "Hi, my S: drive has disappeared and I have a report due!",
            replies: [
                (text: "Let's get that back for you. Can you tell me what you see when you open File Explorer?",
                 tones: [Empathetic, Plain, Ownership], mood: -5, points: 4,
                 reason: "Acknowledged the deadline and took ownership in plain words"),
                (text: "Probably a GPO or SMB issue on your endpoint.",
                 tones: [Jargon], mood: 8, points: -3,
                 reason: "Answered a worried user with unexplained jargon"),
            ],
        ),
    ],
    walkthroughs: {
        "lost_mapping": ["ask_symptom", "theory:mapping", "net_use", "remap", "confirm", "document", "close"],
        "offline": ["ask_symptom", "theory:network", "net_use", "reseat_cable", "confirm", "document", "close"],
    },
)
"#;

/// Writes `ID.ron` into `dir`, refusing to overwrite an existing file.
pub fn scaffold(id: &str, dir: &Path, cat: &Catalogue) -> Result<PathBuf, String> {
    if !is_ident(id, true) {
        return Err(format!(
            "`{id}` is not a plain id: use lowercase words joined by `-`"
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let path = dir.join(format!("{id}.ron"));
    if path.exists() {
        return Err(format!(
            "{} already exists; not overwriting it",
            path.display()
        ));
    }
    let text = TEMPLATE
        .replace("{ID}", id)
        .replace("{PROGRAM}", &super::program_name());
    // The template must stay valid: check before writing anything.
    scenario::load_bytes(&path, text.as_bytes(), cat)
        .map_err(|e| format!("internal: template does not lint: {}", e[0]))?;
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// The template text for `id`.
pub fn template(id: &str) -> String {
    TEMPLATE
        .replace("{ID}", id)
        .replace("{PROGRAM}", "helpdesk-sim")
}
