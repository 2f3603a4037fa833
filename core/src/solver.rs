//! The solver: explores every order of every command for each variant, memoising states, to prove the
//! variant can be won, find its best score and path, list dead ends and content nothing can reach.
//!
//! It runs the engine's own [`step`] without an event buffer, so what it proves is what a trainee gets.
//! Notes and hand-offs are tried only in their complete form: writing less never scores more.
//!
//! Random play and the scripted careless and expert policies live here too; they are how tests and
//! `stats` check that a scenario tells good work from bad.

use crate::engine::*;
use crate::scenario::*;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// States explored per variant before the solver gives up and says so.
pub const STATE_BUDGET: usize = 2_000_000;
/// Dead-end examples kept per variant.
const DEAD_END_EXAMPLES: usize = 5;

/// What the solver found for one variant.
#[derive(Debug, Clone, Serialize)]
pub struct VariantReport {
    pub variant: String,
    pub winnable: bool,
    /// The highest total points on a winning path.
    pub max_score: i32,
    /// Command keys of one best path.
    pub best_path: Vec<String>,
    /// Human labels of the same path.
    pub best_path_labels: Vec<String>,
    pub outcome: Option<Outcome>,
    /// Moves from a winnable state into a state that is still open but from which only failure can
    /// follow (a trap).
    pub dead_ends: usize,
    pub dead_end_examples: Vec<Vec<String>>,
    /// Moves from a winnable state that end the ticket unwon at once (closing before the fix, a
    /// hand-off to the wrong team). Together with `dead_ends`, every move after which the ticket can
    /// no longer be won.
    pub losing_moves: usize,
    /// The losing move with the shortest path to it, and that path.
    pub losing_example: Option<Vec<String>>,
    pub states: usize,
    /// False when the state budget ran out.
    pub complete: bool,
}

/// What the solver found for a whole scenario.
#[derive(Debug, Clone, Serialize)]
pub struct SolveReport {
    pub scenario: String,
    pub seed: u64,
    pub variants: Vec<VariantReport>,
    /// Actions, moments and clues no variant can reach.
    pub unreachable: Vec<String>,
}

impl SolveReport {
    pub fn all_winnable(&self) -> bool {
        self.variants.iter().all(|v| v.winnable)
    }
}

/// A state as the memo sees it: the facts replaced by an interned number, so the key is small, `Copy`
/// and cheap to hash. Built by destructuring [`State`], so a new field there fails to compile here.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    facts: u32,
    variant: u8,
    known: u64,
    done: u64,
    stated: u64,
    fired: u64,
    pending: u64,
    theory: Option<Idx>,
    frustration: i32,
    minute: u32,
    last_contact: u32,
    flags: u16,
    phase: Phase,
}

/// Interns fact vectors. A state whose facts are the canonical copy is looked up by address; only a
/// state whose facts an effect has just changed is hashed by content.
#[derive(Default)]
struct Facts {
    by_value: FxHashMap<Arc<Vec<Value>>, u32>,
    by_addr: FxHashMap<usize, u32>,
    canonical: Vec<Arc<Vec<Value>>>,
}

impl Facts {
    fn intern(&mut self, f: &Arc<Vec<Value>>) -> u32 {
        // Canonical copies live in `canonical` for the solver's lifetime, so an address is never reused.
        if let Some(&id) = self.by_addr.get(&(Arc::as_ptr(f) as usize)) {
            return id;
        }
        if let Some(&id) = self.by_value.get(f) {
            return id;
        }
        let id = self.canonical.len() as u32;
        self.canonical.push(f.clone());
        self.by_value.insert(f.clone(), id);
        self.by_addr.insert(Arc::as_ptr(f) as usize, id);
        id
    }

    /// `st` with its facts swapped for the canonical copy, and its key.
    fn key(&mut self, st: &State) -> (Key, Arc<Vec<Value>>) {
        let State {
            variant,
            facts,
            known,
            done,
            stated,
            fired,
            pending,
            theory,
            frustration,
            minute,
            last_contact,
            flags,
            phase,
        } = st;
        let id = self.intern(facts);
        let key = Key {
            facts: id,
            variant: *variant,
            known: *known,
            done: *done,
            stated: *stated,
            fired: *fired,
            pending: *pending,
            theory: *theory,
            frustration: *frustration,
            minute: *minute,
            last_contact: *last_contact,
            flags: *flags,
            phase: *phase,
        };
        (key, self.canonical[id as usize].clone())
    }
}

#[derive(Clone)]
struct Node {
    value: Option<i32>,
    /// The best move, as its index in the engine's list of commands for this state.
    best: Option<u8>,
}

/// Explores one world (scenario, draw and variant).
pub struct Solver<'w> {
    w: &'w World,
    memo: FxHashMap<Key, Node>,
    facts: Facts,
    path: Vec<Command>,
    dead_ends: usize,
    examples: Vec<Vec<String>>,
    losing_moves: usize,
    losing_example: Option<Vec<String>>,
    seen_done: u64,
    seen_known: u64,
    seen_fired: u64,
    exhausted: bool,
    /// The teams worth trying: the right one, if any, and one wrong one.
    teams: Vec<Team>,
}

impl<'w> Solver<'w> {
    /// The command keys of the path being explored, then `cmd`.
    fn path_to(&self, cmd: &Command) -> Vec<String> {
        self.path
            .iter()
            .chain(std::iter::once(cmd))
            .map(|c| command_key(&self.w.sc, c))
            .collect()
    }

    pub fn new(w: &'w World) -> Self {
        Solver {
            w,
            memo: FxHashMap::with_capacity_and_hasher(1 << 12, Default::default()),
            facts: Facts::default(),
            path: Vec::new(),
            dead_ends: 0,
            examples: Vec::new(),
            losing_moves: 0,
            losing_example: None,
            seen_done: 0,
            seen_known: 0,
            seen_fired: 0,
            exhausted: false,
            teams: {
                let v = w.variant();
                let right = v.escalate.as_ref().map(|(t, _)| *t);
                let also: Vec<Team> = v.also.iter().map(|(t, _)| *t).collect();
                let wrong = Team::ALL
                    .into_iter()
                    .find(|t| Some(*t) != right && !also.contains(t));
                right.into_iter().chain(also).chain(wrong).collect()
            },
        }
    }

    /// The best total from `st` to a win, if any win is reachable.
    pub fn value(&mut self, st: &State) -> Option<i32> {
        let (key, facts) = self.facts.key(st);
        if let Some(n) = self.memo.get(&key) {
            return n.value;
        }
        self.seen_done |= st.done;
        self.seen_known |= st.known;
        self.seen_fired |= st.fired;
        if let Phase::Over(o) = st.phase {
            let v = o.is_win().then_some(0);
            self.memo.insert(
                key,
                Node {
                    value: v,
                    best: None,
                },
            );
            return v;
        }
        if self.memo.len() >= STATE_BUDGET {
            self.exhausted = true;
            return None;
        }
        let mut best: Option<i32> = None;
        let mut best_cmd = None;
        let mut dead = Vec::new();
        // Moves that end the ticket unwon: counted, and one kept as an example (closing, if offered).
        let mut losing = 0;
        let mut losing_cmd: Option<Command> = None;
        // A hand-off to the wrong team always ends in a loss, so it can change neither the best score nor
        // winnability, and it never leads to an open state (a dead end). One wrong team stands for all of
        // them, so moments that only a wrong escalation sets off still count as reachable.
        let cur = State {
            facts,
            ..st.clone()
        };
        for (i, cmd) in self
            .w
            .commands_with_teams(&cur, &self.teams)
            .into_iter()
            .enumerate()
        {
            let mut next = cur.clone();
            let mut out = Out::new(None, 0);
            step(self.w, &mut next, &cmd, &mut out);
            self.path.push(cmd.clone());
            let v = self.value(&next);
            self.path.pop();
            match v {
                Some(v) if best.is_none_or(|b| out.total + v > b) => {
                    best = Some(out.total + v);
                    best_cmd = Some(i as u8);
                }
                Some(_) => {}
                None if next.phase == Phase::Open => dead.push(cmd),
                None => {
                    losing += 1;
                    let better = match &losing_cmd {
                        None => true,
                        Some(kept) => {
                            matches!(cmd, Command::Close) && !matches!(kept, Command::Close)
                        }
                    };
                    if better {
                        losing_cmd = Some(cmd);
                    }
                }
            }
        }
        if best.is_some() {
            self.dead_ends += dead.len();
            self.losing_moves += losing;
            for cmd in dead {
                if self.examples.len() < DEAD_END_EXAMPLES {
                    let p = self.path_to(&cmd);
                    self.examples.push(p);
                }
            }
            // The shortest example reads best, and closing unfixed is the one every author knows.
            if let Some(cmd) = &losing_cmd
                && self
                    .losing_example
                    .as_ref()
                    .is_none_or(|e| self.path.len() + 1 < e.len())
            {
                self.losing_example = Some(self.path_to(cmd));
            }
        }
        self.memo.insert(
            key,
            Node {
                value: best,
                best: best_cmd,
            },
        );
        best
    }

    /// The best path from `st`, following memoised choices.
    pub fn best_path(&mut self, st: &State) -> Vec<Command> {
        self.value(st);
        let mut path = Vec::new();
        let mut st = st.clone();
        while let Some(Node { best: Some(i), .. }) = self.memo.get(&self.facts.key(&st).0).cloned()
        {
            let cmd = self
                .w
                .commands_with_teams(&st, &self.teams)
                .swap_remove(i as usize);
            step(self.w, &mut st, &cmd, &mut Out::new(None, 0));
            path.push(cmd);
        }
        path
    }
}

/// Solves one variant from the state a session with `seed` would start in.
pub fn solve_variant(sc: &Arc<Compiled>, seed: u64, variant: usize) -> (VariantReport, [u64; 3]) {
    let w = World::new(sc.clone(), seed, Some(variant));
    let st = w.opening_state();
    let mut solver = Solver::new(&w);
    let value = solver.value(&st);
    let path = solver.best_path(&st);
    let (labels, replay) = w.replay_labels(&path);
    let report = VariantReport {
        variant: sc.src.variants[variant].id.clone(),
        winnable: value.is_some(),
        max_score: value.unwrap_or(0),
        best_path: path.iter().map(|c| command_key(sc, c)).collect(),
        best_path_labels: labels,
        outcome: replay.outcome(),
        dead_ends: solver.dead_ends,
        dead_end_examples: solver.examples.clone(),
        losing_moves: solver.losing_moves,
        losing_example: solver.losing_example.clone(),
        states: solver.memo.len(),
        complete: !solver.exhausted,
    };
    (
        report,
        [solver.seen_done, solver.seen_known, solver.seen_fired],
    )
}

/// Solves every variant of a scenario.
pub fn solve(sc: &Arc<Compiled>, seed: u64) -> SolveReport {
    let mut variants = Vec::new();
    let (mut done, mut known, mut fired) = (0u64, 0u64, 0u64);
    for v in 0..sc.variants.len() {
        let (r, [d, k, f]) = solve_variant(sc, seed, v);
        variants.push(r);
        done |= d;
        known |= k;
        fired |= f;
    }
    let mut unreachable = Vec::new();
    for (i, a) in sc.src.actions.iter().enumerate() {
        if done & (1 << i) == 0 {
            unreachable.push(format!("action `{}`", a.id));
        }
    }
    for (i, m) in sc.src.moments.iter().enumerate() {
        if fired & (1 << i) == 0 {
            unreachable.push(format!("moment `{}`", m.id));
        }
    }
    for (i, k) in sc.clue_ids.iter().enumerate() {
        if known & (1 << i) == 0 {
            unreachable.push(format!("clue `{k}`"));
        }
    }
    SolveReport {
        scenario: sc.src.id.clone(),
        seed,
        variants,
        unreachable,
    }
}

/// The best score a session's world allows, and the events of one best path (for the debrief's
/// per-category and per-objective comparison).
pub fn best_for(world: &World) -> (i32, Vec<Command>, Vec<Event>) {
    let st = world.opening_state();
    let mut solver = Solver::new(world);
    let value = solver.value(&st).unwrap_or(0);
    let path = solver.best_path(&st);
    let mut events = Vec::new();
    let mut replay = st;
    for (turn, cmd) in path.iter().enumerate() {
        step(
            world,
            &mut replay,
            cmd,
            &mut Out::new(Some(&mut events), turn as u32 + 1),
        );
    }
    (value, path, events)
}

/// Caches best scores by what they depend on: variant and starting frustration.
#[derive(Default)]
pub struct BestCache(HashMap<(usize, i32), i32>);

impl BestCache {
    pub fn best(&mut self, world: &World) -> i32 {
        let key = (world.draw.variant, world.draw.start_frustration);
        *self.0.entry(key).or_insert_with(|| best_for(world).0)
    }
}

/// A score as a percentage of the best possible, clamped to 0–100.
pub fn percent(total: i32, best: i32) -> f64 {
    if best <= 0 {
        if total >= best { 100.0 } else { 0.0 }
    } else {
        (total as f64 / best as f64 * 100.0).clamp(0.0, 100.0)
    }
}

/// Plays random commands until the session ends: a trainee clicking at random.
pub fn random_play(sc: Arc<Compiled>, seed: u64, rng: &mut impl Rng) -> Session {
    random_play_in(sc, seed, None, rng)
}

/// Random play on a chosen variant.
pub fn random_play_variant(
    sc: Arc<Compiled>,
    seed: u64,
    variant: usize,
    rng: &mut impl Rng,
) -> Session {
    random_play_in(sc, seed, Some(variant), rng)
}

fn random_play_in(
    sc: Arc<Compiled>,
    seed: u64,
    variant: Option<usize>,
    rng: &mut impl Rng,
) -> Session {
    let mut s = Session::with_variant(sc, seed, variant);
    let mut guard = 0;
    while !s.is_over() && guard < 500 {
        guard += 1;
        let mut options: Vec<Command> = s
            .commands()
            .into_iter()
            .filter(|c| !matches!(c, Command::Escalate(_) | Command::Document(_)))
            .collect();
        if s.state.current_moment().is_none() && s.state.phase == Phase::Open {
            if !s.state.has(flag::DOCUMENTED) {
                options.push(Command::Document(random_notes(&s, rng)));
            }
            let team = *Team::ALL.choose(rng).unwrap_or(&Team::DesktopTier2);
            let known: Vec<Idx> = (0..s.scenario().clue_ids.len() as Idx)
                .filter(|k| s.state.knows(*k) && rng.random_bool(0.5))
                .collect();
            options.push(Command::Escalate(Handoff {
                team,
                clues: known,
                note: if rng.random_bool(0.5) {
                    "see ticket".into()
                } else {
                    "".into()
                },
            }));
        }
        let Some(cmd) = options.choose(rng).cloned() else {
            break;
        };
        if s.apply(cmd).is_err() {
            break;
        }
    }
    s
}

fn random_notes(s: &Session, rng: &mut impl Rng) -> TicketNotes {
    TicketNotes {
        category: *TicketCategory::ALL
            .choose(rng)
            .unwrap_or(&TicketCategory::Request),
        priority: rng.random_range(1..=5),
        findings: (0..s.scenario().clue_ids.len() as Idx)
            .filter(|k| s.state.knows(*k) && rng.random_bool(0.5))
            .collect(),
        summary: if rng.random_bool(0.5) {
            "issue".into()
        } else {
            "".into()
        },
        resolution: if rng.random_bool(0.5) {
            "done".into()
        } else {
            "".into()
        },
    }
}

/// Score distribution of random play.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub runs: usize,
    pub mean: f64,
    pub median: f64,
    pub p10: f64,
    pub p90: f64,
    pub min: f64,
    pub max: f64,
    /// How often each outcome happened.
    pub outcomes: Vec<(String, usize)>,
}

/// Runs `runs` random sessions on seeds `seed, seed+1, …` and reports their normalised scores.
pub fn stats(sc: &Arc<Compiled>, runs: usize, seed: u64) -> Stats {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED);
    let mut cache = BestCache::default();
    let mut scores = Vec::with_capacity(runs);
    let mut outcomes: HashMap<String, usize> = HashMap::new();
    for i in 0..runs {
        let s = random_play(sc.clone(), seed.wrapping_add(i as u64), &mut rng);
        let best = cache.best(&s.world);
        scores.push(percent(s.total(), best));
        let o = s.outcome().map_or("Unfinished", Outcome::label);
        *outcomes.entry(o.to_string()).or_default() += 1;
    }
    scores.sort_by(f64::total_cmp);
    let q = |p: f64| {
        scores
            .get(((scores.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let mut outcomes: Vec<_> = outcomes.into_iter().collect();
    outcomes.sort();
    Stats {
        runs,
        mean: scores.iter().sum::<f64>() / runs.max(1) as f64,
        median: q(0.5),
        p10: q(0.1),
        p90: q(0.9),
        min: scores.first().copied().unwrap_or(0.0),
        max: scores.last().copied().unwrap_or(0.0),
        outcomes,
    }
}

/// The reply an expert picks: the most points, then the calmest.
pub fn best_reply(w: &World, st: &State) -> Option<Command> {
    let m = st.current_moment()?;
    let replies = &w.sc.moments[m].replies;
    (0..replies.len())
        .max_by_key(|&r| (replies[r].points, -replies[r].mood, -(r as i32)))
        .map(|r| Command::Reply(r as u8))
}

/// The command a key names now: any key [`parse_key`] knows, plus `reply:best`, the expert's reply to
/// the moment in progress. The error says why there is none, for the trainee or the author.
pub fn command_for_key(w: &World, st: &State, key: &str) -> Result<Command, String> {
    if key.trim() == "reply:best" {
        return best_reply(w, st).ok_or_else(|| "there is nothing to reply to".to_string());
    }
    parse_key(w, st, key).ok_or_else(|| format!("`{key}` is not a command of this scenario"))
}

/// The reply a careless trainee picks: the most poor tones (jargon, dismissive, …), then the fewest points.
pub fn worst_reply(w: &World, st: &State) -> Option<Command> {
    let m = st.current_moment()?;
    let replies = &w.sc.moments[m].replies;
    (0..replies.len())
        .max_by_key(|&r| {
            (
                replies[r].tones.iter().filter(|t| t.is_poor()).count(),
                -replies[r].points,
                r,
            )
        })
        .map(|r| Command::Reply(r as u8))
}

/// Plays an author's walkthrough (command keys); replies are the expert's. Fails on a key that is not
/// available when its turn comes.
pub fn play_walkthrough(
    sc: Arc<Compiled>,
    seed: u64,
    variant: usize,
    keys: &[String],
) -> Result<Session, String> {
    let mut s = Session::with_variant(sc, seed, Some(variant));
    let mut keys = keys.iter();
    let mut guard = 0;
    while !s.is_over() && guard < 1000 {
        guard += 1;
        if let Some(r) = best_reply(&s.world, &s.state) {
            s.apply(r).map_err(|e| e.to_string())?;
            continue;
        }
        let Some(key) = keys.next() else { break };
        let cmd = parse_key(&s.world, &s.state, key)
            .ok_or_else(|| format!("`{key}` is not a command of this scenario"))?;
        s.apply(cmd).map_err(|e| format!("`{key}`: {e}"))?;
    }
    Ok(s)
}

/// The careless trainee: skips the questions, picks jargon, fixes before testing and escalates wrongly.
pub fn careless_play(sc: Arc<Compiled>, seed: u64, variant: usize) -> Session {
    let mut s = Session::with_variant(sc, seed, Some(variant));
    let mut guard = 0;
    while !s.is_over() && guard < 500 {
        guard += 1;
        if let Some(r) = worst_reply(&s.world, &s.state) {
            if s.apply(r).is_err() {
                break;
            }
            continue;
        }
        if s.state.phase != Phase::Open {
            break;
        }
        let sc = s.world.sc.clone();
        let pick = [Step::Fix, Step::Test].iter().find_map(|step| {
            (0..sc.actions.len()).find(|&a| {
                sc.actions[a].step == *step
                    && sc.actions[a].kind != ActionKind::Ask
                    && s.world.action_ready(&s.state, a)
            })
        });
        let cmd = match pick {
            Some(a) => Command::Act(a as Idx),
            None => {
                // A team that earns nothing here: Tier 2, unless Tier 2 is right or acceptable.
                let v = s.world.variant();
                let earns = |t: Team| {
                    v.escalate.as_ref().is_some_and(|(r, _)| *r == t)
                        || v.also.iter().any(|(a, _)| *a == t)
                };
                let team = [Team::DesktopTier2, Team::Vendor, Team::Facilities]
                    .into_iter()
                    .find(|t| !earns(*t))
                    .unwrap_or(Team::Manager);
                Command::Escalate(Handoff {
                    team,
                    clues: Vec::new(),
                    note: "".into(),
                })
            }
        };
        if s.apply(cmd).is_err() {
            break;
        }
    }
    s
}
