//! Accessibility: what a screen reader gets, keyboard input for scripts, and the tree as JSON.
//!
//! - egui describes every widget to AccessKit (role, name, value, states, actions); bevy_egui hands
//!   that tree to the platform's screen reader through Bevy's winit adapter whenever one asks for it.
//!   Screens mark what must be announced as it arrives (new caller lines, findings, tool output) as
//!   live regions with [`live`].
//! - `--accessibility-tree FILE` writes the tree of the screen at the end of a script as JSON (role,
//!   name, value, focusable, live, children), so tests and authors can check what a screen reader
//!   would read.
//! - Script steps `key`, `type` and `focus` give the window's UI real key events, one per frame, as a
//!   keyboard-only trainee would: `focus NAME` presses Tab until the focused control's accessible name
//!   contains NAME.

use crate::AppOptions;
use crate::script::{InputQueue, InputStep, Script};
use crate::session::Records;
use crate::theme::Settings;
use bevy::prelude::*;
use bevy_egui::egui::accesskit::{self, Action, Live, NodeId, Role};
use bevy_egui::{
    EguiContext, EguiInput, EguiOutput, EguiPostUpdateSet, EguiPreUpdateSet, PrimaryEguiContext,
    egui,
};
use serde::Serialize;
use std::collections::HashMap;

pub fn plugin(app: &mut App) {
    app.init_resource::<Tree>()
        .init_resource::<Tabbing>()
        .add_systems(Startup, |mut q: ResMut<InputQueue>| q.driver = true)
        .add_systems(
            PreUpdate,
            (enable_tree, drive_input)
                .chain()
                .after(EguiPreUpdateSet::ProcessInput)
                .before(EguiPreUpdateSet::BeginPass),
        )
        .add_systems(
            PostUpdate,
            (capture_tree, write_tree)
                .chain()
                .after(EguiPostUpdateSet::ProcessOutput),
        );
}

/// Marks the widget `id` as a live region: a screen reader announces its text when it appears or
/// changes, without the trainee moving to it.
pub fn live(ctx: &egui::Context, id: egui::Id) {
    ctx.accesskit_node_builder(id, |node| node.set_live(Live::Polite));
}

/// The latest accessibility tree of the primary window, node by node.
#[derive(Resource, Default)]
pub struct Tree {
    nodes: HashMap<NodeId, accesskit::Node>,
    root: Option<NodeId>,
    focus: Option<NodeId>,
}

/// One node as the JSON file has it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NodeJson {
    pub role: String,
    pub name: Option<String>,
    pub value: Option<String>,
    pub focusable: bool,
    pub focused: bool,
    pub live: bool,
    pub disabled: bool,
    pub children: Vec<NodeJson>,
}

impl Tree {
    /// The accessible name of a node: its label, what labels it, or (for text) its value.
    pub fn name(&self, id: NodeId) -> Option<String> {
        let node = self.nodes.get(&id)?;
        if let Some(l) = node.label() {
            return Some(l.to_string());
        }
        let by: Vec<String> = node
            .labelled_by()
            .iter()
            .filter_map(|l| {
                let n = self.nodes.get(l)?;
                n.label().or(n.value()).map(str::to_string)
            })
            .collect();
        if !by.is_empty() {
            return Some(by.join(" "));
        }
        if matches!(node.role(), Role::Label) {
            return node.value().map(str::to_string);
        }
        None
    }

    /// The focused control's name.
    pub fn focused_name(&self) -> Option<String> {
        self.name(self.focus?)
    }

    /// The tree from the root, for JSON.
    pub fn json(&self) -> Option<NodeJson> {
        self.node_json(self.root?, 0)
    }

    fn node_json(&self, id: NodeId, depth: usize) -> Option<NodeJson> {
        let node = self.nodes.get(&id)?;
        Some(NodeJson {
            role: format!("{:?}", node.role()),
            name: self.name(id),
            value: node.value().map(str::to_string),
            focusable: node.supports_action(Action::Focus),
            focused: self.focus == Some(id),
            live: node.live().is_some_and(|l| l != Live::Off),
            disabled: node.is_disabled(),
            children: if depth > 64 {
                Vec::new()
            } else {
                node.children()
                    .iter()
                    .filter_map(|c| self.node_json(*c, depth + 1))
                    .collect()
            },
        })
    }
}

/// The accessibility tree is built when a screen reader asks for it, and always while a script runs
/// (its `focus` steps read it) or the tree is to be written.
fn enable_tree(
    mut contexts: Query<&mut EguiContext, With<PrimaryEguiContext>>,
    script: Res<Script>,
) {
    if script.active {
        for mut c in &mut contexts {
            c.get_mut().enable_accesskit();
        }
    }
}

fn capture_tree(outputs: Query<&EguiOutput, With<PrimaryEguiContext>>, mut tree: ResMut<Tree>) {
    for out in &outputs {
        if let Some(update) = &out.platform_output.accesskit_update {
            if let Some(t) = &update.tree {
                tree.root = Some(t.root);
                // A new root means a whole new tree: forget nodes of the last screen.
                tree.nodes.clear();
            }
            for (id, node) in &update.nodes {
                tree.nodes.insert(*id, node.clone());
            }
            tree.focus = Some(update.focus);
        }
    }
}

/// Tabs pressed by the current `focus` step.
#[derive(Resource, Default)]
struct Tabbing(u32);

/// The most Tabs a `focus` step may press before it gives up.
const MAX_TABS: u32 = 120;

/// Gives the UI the pending scripted input: one key (down and up) or one text per frame.
fn drive_input(
    mut queue: ResMut<InputQueue>,
    mut inputs: Query<&mut EguiInput, With<PrimaryEguiContext>>,
    tree: Res<Tree>,
    mut tabs: ResMut<Tabbing>,
    mut settings: ResMut<Settings>,
    records: Option<Res<Records>>,
    mut waited: Local<u32>,
) {
    let Some(step) = queue.step.clone() else {
        return;
    };
    // Let the UI show the result of the last key before the next one.
    *waited += 1;
    if *waited < 3 {
        return;
    }
    *waited = 0;
    let Ok(mut input) = inputs.single_mut() else {
        return;
    };
    let events = &mut input.0.events;
    match step {
        InputStep::Key(spec) => match parse_key(&spec) {
            Some((key, modifiers)) => {
                press(events, key, modifiers);
                queue.step = None;
            }
            None => {
                queue.failed = Some(format!("`key {spec}`: no such key"));
                queue.step = None;
            }
        },
        InputStep::Type(text) => {
            events.push(egui::Event::Text(text));
            queue.step = None;
        }
        InputStep::Focus(name) => {
            let want = name.to_lowercase();
            if tree
                .focused_name()
                .is_some_and(|n| n.to_lowercase().contains(&want))
            {
                tabs.0 = 0;
                queue.step = None;
            } else if tabs.0 >= MAX_TABS {
                queue.failed = Some(format!(
                    "`focus {name}`: no control of that name after {MAX_TABS} Tabs (focused: {:?})",
                    tree.focused_name()
                ));
                tabs.0 = 0;
                queue.step = None;
            } else {
                tabs.0 += 1;
                press(events, egui::Key::Tab, egui::Modifiers::NONE);
            }
        }
        InputStep::HighContrast(on) => {
            crate::theme::set_high_contrast(&mut settings, records.as_deref(), on);
            queue.step = None;
        }
    }
}

fn press(events: &mut Vec<egui::Event>, key: egui::Key, modifiers: egui::Modifiers) {
    for pressed in [true, false] {
        events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers,
        });
    }
}

/// `Tab`, `Shift+Tab`, `Enter`, `Space`, `Down`, `1`, `F1`, `Ctrl+C`…
pub fn parse_key(spec: &str) -> Option<(egui::Key, egui::Modifiers)> {
    let mut modifiers = egui::Modifiers::NONE;
    let mut parts: Vec<&str> = spec.split('+').map(str::trim).collect();
    let name = parts.pop()?;
    for m in parts {
        match m.to_ascii_lowercase().as_str() {
            "shift" => modifiers.shift = true,
            "ctrl" | "control" => {
                modifiers.ctrl = true;
                modifiers.command = true;
            }
            "alt" => modifiers.alt = true,
            _ => return None,
        }
    }
    let key = match name.to_ascii_lowercase().as_str() {
        "down" => egui::Key::ArrowDown,
        "up" => egui::Key::ArrowUp,
        "left" => egui::Key::ArrowLeft,
        "right" => egui::Key::ArrowRight,
        "esc" => egui::Key::Escape,
        "return" => egui::Key::Enter,
        _ => egui::Key::from_name(name)?,
    };
    Some((key, modifiers))
}

/// Writes the tree once the script has run, when `--accessibility-tree` was given.
fn write_tree(
    options: Res<AppOptions>,
    script: Res<Script>,
    tree: Res<Tree>,
    mut written: Local<bool>,
) {
    let Some(path) = &options.accessibility_tree else {
        return;
    };
    // With a screenshot, the tree of the captured frame; without, once the steps have run.
    let done = if script.screenshot.is_some() {
        script.captured
    } else {
        script.steps.is_empty() && script.wait == 0
    };
    if *written || !done || script.failed.is_some() {
        return;
    }
    let Some(json) = tree.json() else { return };
    match serde_json::to_string_pretty(&json) {
        Ok(text) => match std::fs::write(path, text) {
            Ok(()) => {
                info!("accessibility tree written to {}", path.display());
                *written = true;
            }
            Err(e) => error!("cannot write {}: {e}", path.display()),
        },
        Err(e) => error!("cannot write the accessibility tree: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_parse_with_modifiers() {
        assert_eq!(
            parse_key("Tab"),
            Some((egui::Key::Tab, egui::Modifiers::NONE))
        );
        let (k, m) = parse_key("Shift+Tab").unwrap();
        assert_eq!(k, egui::Key::Tab);
        assert!(m.shift);
        assert_eq!(parse_key("1").unwrap().0, egui::Key::Num1);
        assert_eq!(parse_key("Down").unwrap().0, egui::Key::ArrowDown);
        assert_eq!(parse_key("F1").unwrap().0, egui::Key::F1);
        assert!(parse_key("Hyper+Q").is_none());
        assert!(parse_key("Nothing").is_none());
    }
}
