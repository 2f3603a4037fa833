//! The ticket: the conversation, the caller's mood, actions by step of the method, tool output, notes,
//! escalation, the clock and, in practice, coach hints. Keys 1–9 pick a reply.

use super::{Screen, ScreenUi};
use crate::session::{Active, ExamRun, Intent, Selection};
use crate::theme::{palette, widgets};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use helpdesk_core::Session;
use helpdesk_core::engine::{Command, Event, Handoff, TicketNotes, flag};
use helpdesk_core::scenario::{Idx, Step, Team, TicketCategory};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Forms>()
        .add_systems(OnEnter(Screen::Ticket), reset_forms)
        .add_systems(
            EguiPrimaryContextPass,
            ui.in_set(ScreenUi).run_if(in_state(Screen::Ticket)),
        );
}

/// The side panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Console,
    Notes,
    Escalate,
    Coach,
}

/// What the trainee is typing into the notes and hand-off forms.
#[derive(Resource, Debug, Clone)]
pub struct Forms {
    pub tab: Tab,
    pub category: TicketCategory,
    pub priority: u8,
    pub findings: Vec<Idx>,
    pub summary: String,
    pub resolution: String,
    pub team: Team,
    pub handoff_clues: Vec<Idx>,
    pub handoff_note: String,
}

impl Default for Forms {
    fn default() -> Self {
        Forms {
            tab: Tab::Console,
            category: TicketCategory::Request,
            priority: 3,
            findings: Vec::new(),
            summary: String::new(),
            resolution: String::new(),
            team: Team::DesktopTier2,
            handoff_clues: Vec::new(),
            handoff_note: String::new(),
        }
    }
}

fn reset_forms(mut forms: ResMut<Forms>) {
    *forms = Forms::default();
}

fn ui(
    mut contexts: EguiContexts,
    active: Res<Active>,
    sel: Res<Selection>,
    run: Res<ExamRun>,
    mut forms: ResMut<Forms>,
    mut intents: MessageWriter<Intent>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let Some(s) = active.session.as_ref() else {
        return Ok(());
    };
    let mut send_submit = false;
    let mut commands = Vec::new();
    let mut send = |cmd: Command| commands.push(cmd);
    // Keys 1–9 pick a reply, in the order shown, while the caller waits for one.
    if let Some(m) = s.state.current_moment() {
        let shown = s.world.draw.shown_replies(m);
        let keys = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        let typing = ctx.memory(|m| m.focused().is_some());
        for (k, r) in keys.iter().zip(shown) {
            if !typing && ctx.input(|inp| inp.key_pressed(*k)) {
                send(Command::Reply(*r));
            }
        }
    }

    widgets::root(&ctx, |root| {
        if run.running() && exam_bar(root, &run) {
            send_submit = true;
        }
        top_bar(root, s);
        if let Some(m) = s.state.current_moment() {
            egui::Panel::bottom("replies").show(root, |ui| replies(ui, s, m, &mut send));
        }
        egui::Panel::left("actions")
            .resizable(true)
            .default_size(320.0)
            .show(root, |ui| actions(ui, s, run.running(), &mut send));
        egui::Panel::right("side")
            .resizable(true)
            .default_size(380.0)
            .show(root, |ui| side(ui, s, &mut forms, sel.coach, &mut send));
        egui::CentralPanel::default().show(root, |ui| {
            if active.preview {
                super::author::inspector(ui, s);
            }
            if let Some(why) = &active.refusal {
                ui.label(egui::RichText::new(format!("Not now: {why}")).color(palette::warn()));
            }
            transcript(ui, s);
        });
    });
    // The panels' drag handles are focusable: say what they are.
    for (panel, name) in [
        ("actions", "Resize the actions panel"),
        ("side", "Resize the console and notes panel"),
    ] {
        ctx.accesskit_node_builder(egui::Id::new(panel).with("__resize"), |node| {
            node.set_role(egui::accesskit::Role::Splitter);
            node.set_label(name);
        });
    }
    for cmd in commands {
        intents.write(Intent::Do(cmd));
    }
    if send_submit {
        intents.write(Intent::SubmitExam);
    }
    Ok(())
}

/// The exam's clock and progress; the exam submits itself when the clock reaches zero.
fn exam_bar(root: &mut egui::Ui, run: &ExamRun) -> bool {
    let Some(paper) = &run.paper else {
        return false;
    };
    let mut submit = false;
    let left = run.remaining(helpdesk_core::store::now_ms());
    // The clock must tick even when nothing else changes.
    root.ctx()
        .request_repaint_after(std::time::Duration::from_millis(500));
    egui::Panel::top("exam_bar").show(root, |ui| {
        ui.horizontal(|ui| {
            let colour = if left < 120 {
                palette::bad()
            } else {
                palette::accent()
            };
            ui.label(
                egui::RichText::new(format!("⏱ {:02}:{:02}", left / 60, left % 60))
                    .size(20.0)
                    .color(colour),
            );
            ui.label(format!(
                "Exam {} · ticket {} of {} · no hints, no scores until you hand in",
                paper.code(),
                run.index + 1,
                paper.items.len()
            ));
            submit = ui.button("Hand in the exam").clicked();
        });
    });
    submit
}

fn top_bar(root: &mut egui::Ui, s: &Session) {
    let sc = &s.scenario().src;
    let d = &s.world.draw;
    egui::Panel::top("ticket_top").show(root, |ui| {
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.label(egui::RichText::new(format!("{} · {}", d.ticket, sc.title)).size(20.0));
                ui.label(
                    egui::RichText::new(format!("{:?} · {}, {}", sc.channel, d.caller, d.role))
                        .color(palette::muted()),
                );
            });
            ui.separator();
            let minute = s.state.minute;
            let left = sc.sla_minutes as i64 - minute as i64;
            ui.vertical(|ui| {
                let frac = (minute as f32 / sc.sla_minutes.max(1) as f32).clamp(0.0, 1.0);
                let sla = if left >= 0 {
                    format!("SLA {left} min left")
                } else {
                    format!("SLA missed by {} min", -left)
                };
                ui.label(
                    egui::RichText::new(format!("🕑 {minute} min on the ticket · {sla}")).small(),
                );
                ui.add(
                    egui::ProgressBar::new(frac)
                        .desired_width(200.0)
                        .fill(palette::severity(frac)),
                );
            });
            ui.separator();
            widgets::mood_meter(ui, s.state.mood(), sc.caller.patience);
        });
    });
}

fn replies(ui: &mut egui::Ui, s: &Session, m: usize, send: &mut impl FnMut(Command)) {
    let moment = &s.scenario().src.moments[m];
    ui.add_space(4.0);
    ui.label(
        egui::RichText::new(format!(
            "{} is waiting for your answer:",
            s.world.draw.caller
        ))
        .color(palette::muted()),
    );
    ui.label(
        egui::RichText::new(s.world.render_with(&moment.line, Some(&s.state)))
            .size(18.0)
            .color(palette::caller()),
    );
    // The order was drawn for this session: the best reply is not always first.
    for (pos, &r) in s.world.draw.shown_replies(m).iter().enumerate() {
        let reply = &moment.replies[r as usize];
        let text = format!(
            "{}.  {}",
            pos + 1,
            s.world.render_with(&reply.text, Some(&s.state))
        );
        if ui.add(egui::Button::new(text).wrap()).clicked() {
            send(Command::Reply(r));
        }
    }
    ui.label(
        egui::RichText::new("Press 1–9 or click a reply · F1: all keys")
            .small()
            .color(palette::muted()),
    );
    ui.add_space(4.0);
}

/// The actions. In practice they are grouped by the step of the method they serve, as a scaffold; in
/// exam mode they are one list in an order drawn from the seed, so knowing which step an action serves
/// is the trainee's own.
fn actions(ui: &mut egui::Ui, s: &Session, exam: bool, send: &mut impl FnMut(Command)) {
    let sc = s.scenario();
    egui::ScrollArea::vertical().show(ui, |ui| {
        if exam {
            ui.label(egui::RichText::new("Actions").strong());
            for &a in &s.world.draw.action_order {
                action(ui, s, a as usize, send);
            }
            ui.add_space(6.0);
            theories(ui, s, send);
        } else {
            for step in Step::ALL {
                let items: Vec<usize> = (0..sc.actions.len())
                    .filter(|&a| sc.actions[a].step == step)
                    .collect();
                let has_theories = step == Step::Theory;
                if items.is_empty() && !has_theories {
                    continue;
                }
                egui::CollapsingHeader::new(egui::RichText::new(step.label()).strong())
                    .default_open(true)
                    .show(ui, |ui| {
                        for a in items {
                            action(ui, s, a, send);
                        }
                        if has_theories {
                            theories(ui, s, send);
                        }
                    });
            }
        }
        ui.separator();
        if ui
            .add_enabled(
                s.state.current_moment().is_none(),
                egui::Button::new("✅ Close the ticket"),
            )
            .clicked()
        {
            send(Command::Close);
        }
        ui.label(
            egui::RichText::new("Document first (Notes tab). To hand off, use the Escalate tab.")
                .small()
                .color(palette::muted()),
        );
    });
}

/// One action: done (✔), on offer (a button, waiting while the caller waits for a reply), or not shown.
fn action(ui: &mut egui::Ui, s: &Session, a: usize, send: &mut impl FnMut(Command)) {
    let label = s
        .world
        .render_with(&s.scenario().src.actions[a].label, Some(&s.state));
    if s.state.did(a as Idx) {
        ui.label(egui::RichText::new(format!("✔ {label}")).color(palette::muted()));
    } else if s.world.action_ready(&s.state, a) {
        let waiting = s.state.current_moment().is_some();
        if ui
            .add_enabled(!waiting, egui::Button::new(label).wrap())
            .clicked()
        {
            send(Command::Act(a as Idx));
        }
    }
}

fn theories(ui: &mut egui::Ui, s: &Session, send: &mut impl FnMut(Command)) {
    let waiting = s.state.current_moment().is_some();
    ui.label(
        egui::RichText::new("State a theory of probable cause:")
            .small()
            .color(palette::muted()),
    );
    for (t, th) in s.scenario().src.theories.iter().enumerate() {
        let stated = s.state.stated & (1 << t) != 0;
        let label = if s.state.theory == Some(t as Idx) {
            format!("◉ {}", th.text)
        } else {
            format!("○ {}", th.text)
        };
        if ui
            .add_enabled(!stated && !waiting, egui::Button::new(label).wrap())
            .clicked()
        {
            send(Command::Theorise(t as Idx));
        }
    }
}

fn side(
    ui: &mut egui::Ui,
    s: &Session,
    forms: &mut Forms,
    coach: bool,
    send: &mut impl FnMut(Command),
) {
    ui.horizontal(|ui| {
        for (tab, name) in [
            (Tab::Console, "Console"),
            (Tab::Notes, "Notes"),
            (Tab::Escalate, "Escalate"),
            (Tab::Coach, "Coach"),
        ] {
            if tab == Tab::Coach && !coach {
                continue;
            }
            let selected = forms.tab == tab;
            let r = ui.selectable_value(&mut forms.tab, tab, name);
            // A screen reader hears these as tabs, and which one is open.
            ui.ctx().accesskit_node_builder(r.id, |node| {
                node.set_role(egui::accesskit::Role::Tab);
                node.set_selected(selected);
            });
        }
    });
    ui.separator();
    let known: Vec<Idx> = (0..s.scenario().clue_ids.len() as Idx)
        .filter(|k| s.state.knows(*k))
        .collect();
    let clue = |k: Idx| {
        s.world
            .render_with(&s.scenario().clue_texts[k as usize], Some(&s.state))
    };
    let waiting = s.state.current_moment().is_some();
    match forms.tab {
        Tab::Console => console(ui, s),
        Tab::Notes => {
            if s.state.has(flag::DOCUMENTED) {
                ui.label(
                    egui::RichText::new("✔ Notes saved to the ticket.").color(palette::good()),
                );
                return;
            }
            ui.label("Category");
            let combo = egui::ComboBox::from_id_salt("Category")
                .selected_text(format!("{:?}", forms.category))
                .show_ui(ui, |ui| {
                    for c in TicketCategory::ALL {
                        ui.selectable_value(&mut forms.category, c, format!("{c:?}"));
                    }
                });
            crate::theme::widgets::named(&combo.response, "Category");
            let priority = ui.add(
                egui::Slider::new(&mut forms.priority, 1..=5)
                    .text("Priority (1 critical … 5 planning)"),
            );
            widgets::named(&priority, "Priority (1 critical … 5 planning)");
            ui.label("Findings to record:");
            if known.is_empty() {
                ui.label(
                    egui::RichText::new("Nothing found yet.")
                        .small()
                        .color(palette::muted()),
                );
            }
            for k in &known {
                let mut on = forms.findings.contains(k);
                if ui.checkbox(&mut on, clue(*k)).changed() {
                    toggle(&mut forms.findings, *k, on);
                }
            }
            ui.label("Summary");
            let summary =
                ui.add(egui::TextEdit::singleline(&mut forms.summary).desired_width(f32::INFINITY));
            widgets::named(&summary, "Summary");
            ui.label("Resolution or next steps");
            let resolution = ui.add(
                egui::TextEdit::multiline(&mut forms.resolution)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            );
            widgets::named(&resolution, "Resolution or next steps");
            if ui
                .add_enabled(!waiting, egui::Button::new("Save notes to the ticket"))
                .clicked()
            {
                send(Command::Document(TicketNotes {
                    category: forms.category,
                    priority: forms.priority,
                    findings: forms.findings.clone(),
                    summary: forms.summary.as_str().into(),
                    resolution: forms.resolution.as_str().into(),
                }));
            }
        }
        Tab::Escalate => {
            ui.label("Hand to");
            let combo = egui::ComboBox::from_id_salt("Hand to")
                .selected_text(forms.team.label())
                .width(240.0)
                .show_ui(ui, |ui| {
                    for t in Team::ALL {
                        ui.selectable_value(&mut forms.team, t, t.label());
                    }
                });
            crate::theme::widgets::named(&combo.response, "Hand to");
            ui.label("Findings to pass on:");
            for k in &known {
                let mut on = forms.handoff_clues.contains(k);
                if ui.checkbox(&mut on, clue(*k)).changed() {
                    toggle(&mut forms.handoff_clues, *k, on);
                }
            }
            ui.label("Hand-off note");
            let note = ui.add(
                egui::TextEdit::multiline(&mut forms.handoff_note)
                    .desired_rows(4)
                    .desired_width(f32::INFINITY)
                    .hint_text("What you found, what you tried, the impact, how to reach the user"),
            );
            widgets::named(&note, "Hand-off note");
            if ui
                .add_enabled(!waiting, egui::Button::new("Escalate the ticket"))
                .clicked()
            {
                send(Command::Escalate(Handoff {
                    team: forms.team,
                    clues: forms.handoff_clues.clone(),
                    note: forms.handoff_note.as_str().into(),
                }));
            }
        }
        Tab::Coach => {
            let step = s.method_step();
            ui.label(egui::RichText::new(format!("You are at: {}", step.label())).strong());
            let unknown = s.unknown_key_clues().len();
            ui.label(if unknown == 0 {
                "You have found everything that matters for this fault.".to_string()
            } else {
                format!("{unknown} important thing(s) are still unknown.")
            });
            let hint = match step {
                Step::Identify => {
                    "Ask the user open questions first: what happened, when, and what changed."
                }
                Step::Theory => {
                    "You know enough to name a probable cause. State a theory before testing."
                }
                Step::Test => "Test your theory with a tool or a check before changing anything.",
                Step::Fix => {
                    "Your tests point somewhere: fix it, or escalate if it is beyond Tier 1."
                }
                Step::Verify => "Confirm with the user that everything works before you close.",
                Step::Document => "Write the notes: category, priority, findings, what you did.",
            };
            ui.label(hint);
        }
    }
}

fn toggle(list: &mut Vec<Idx>, k: Idx, on: bool) {
    list.retain(|x| *x != k);
    if on {
        list.push(k);
    }
}

fn console(ui: &mut egui::Ui, s: &Session) {
    egui::Frame::new()
        .fill(palette::console_bg())
        .inner_margin(8.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .stick_to_bottom(true)
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let mut any = false;
                    let last = s.log.len().saturating_sub(1);
                    for (i, entry) in s.log.iter().enumerate() {
                        for e in &entry.events {
                            let Event::Console { title, output } = e else {
                                continue;
                            };
                            any = true;
                            ui.horizontal_wrapped(|ui| {
                                ui.label(
                                    egui::RichText::new(format!("> {title}"))
                                        .monospace()
                                        .color(palette::accent()),
                                );
                                copy_button(ui, &format!("> {title}\n{output}"), "Copy output");
                            });
                            let r = ui.label(
                                egui::RichText::new(output)
                                    .monospace()
                                    .color(palette::console_text()),
                            );
                            if i == last {
                                crate::a11y::live(ui.ctx(), r.id);
                            }
                            ui.add_space(6.0);
                        }
                    }
                    if !any {
                        ui.label(
                            egui::RichText::new("Tool output appears here.")
                                .monospace()
                                .color(palette::muted()),
                        );
                    }
                });
        });
}

fn transcript(ui: &mut egui::Ui, s: &Session) {
    let caller = &s.world.draw.caller;
    let patience = s.scenario().src.caller.patience;
    let last = s.log.len().saturating_sub(1);
    egui::ScrollArea::vertical()
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (i, entry) in s.log.iter().enumerate() {
                for e in &entry.events {
                    let shown = match e {
                        Event::Trainee { text, .. } => Some(ui.label(
                            egui::RichText::new(format!("You: {text}")).color(palette::accent()),
                        )),
                        Event::CallerSays(t) | Event::Moment { line: t, .. } => Some(ui.label(
                            egui::RichText::new(format!("{caller}: {t}")).color(palette::caller()),
                        )),
                        Event::ClueFound { text, .. } => Some(
                            ui.horizontal_wrapped(|ui| {
                                let r = ui.label(
                                    egui::RichText::new(format!("   🔎 Finding: {text}"))
                                        .italics()
                                        .color(palette::good()),
                                );
                                copy_button(ui, text, "Copy finding");
                                r
                            })
                            .inner,
                        ),
                        Event::Mood { delta, now } if delta.abs() >= 3 => {
                            let word = if *delta > 0 {
                                "more frustrated"
                            } else {
                                "calmer"
                            };
                            Some(
                                ui.label(
                                    egui::RichText::new(format!(
                                        "   ({caller} sounds {word}: {now}/{patience})"
                                    ))
                                    .small()
                                    .color(palette::muted()),
                                ),
                            )
                        }
                        Event::Ended(o) => Some(ui.label(
                            egui::RichText::new(format!("— Ticket over: {} —", o.label())).strong(),
                        )),
                        _ => None,
                    };
                    // What the last command brought (the caller's answer, a finding, the ending) is
                    // announced by a screen reader as it arrives.
                    if i == last
                        && let Some(r) = shown
                    {
                        crate::a11y::live(ui.ctx(), r.id);
                    }
                }
            }
        });
}

/// A small button that puts `text` on the desktop clipboard.
fn copy_button(ui: &mut egui::Ui, text: &str, name: &str) {
    let b = ui.small_button("Copy").on_hover_text(name);
    widgets::named(&b, name);
    if b.clicked() {
        ui.ctx().copy_text(text.to_string());
    }
}
